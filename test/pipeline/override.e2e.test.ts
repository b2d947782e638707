import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySigned } from '../../core/dsse/verifySigned.js';
import { createOverrideProducer } from '../../producers/createOverrideProducer.js';
import { loadTrustRoot } from '../../ops/trust/trustFiles.js';
import { PipelineHarness } from './PipelineHarness.js';
import { testKafkaSasl } from '../testKafka.js';

const RISKY = { action_type: 'delete', amount: 0, environment: 'production', agent_trust_level: 5, affects_pii: false };
let h: PipelineHarness;
let overrides: ReturnType<typeof createOverrideProducer>;

beforeAll(async () => {
  h = await PipelineHarness.create();
  h.start(['worker']);
  h.start(['sinks']);
  h.start(['log', 'writer']);
  overrides = createOverrideProducer({
    brokers: (h.env.KAFKA_BROKERS ?? '').split(','),
    sasl: testKafkaSasl(),
    clientId: 'override-test',
    registryUrl: h.env.SCHEMA_REGISTRY_URL ?? '',
    topic: h.env.PARMANA_TOPIC_OVERRIDES ?? '',
  });
  await overrides.connect();
});

afterAll(async () => {
  await overrides.disconnect();
  await h.close();
});

const command = (executionId: string, commandId: string, approved: boolean) => ({
  commandId,
  executionId,
  approved,
  approvedBy: 'alice@example.com',
  approverRole: 'approver',
  reason: 'checked with the account owner',
  requestedAt: new Date().toISOString(),
});

async function result(commandId: string): Promise<{
  status: string;
  code: string | null;
  payload: Buffer | null;
  signature: string | null;
  signer_key_id: string | null;
  payload_type: string | null;
  at: Date;
}> {
  await h.waitFor(
    `the result of ${commandId}`,
    async () =>
      (await h.count(`SELECT count(*) AS n FROM audit_overrides WHERE kind = 'result' AND command_id = $1`, [
        commandId,
      ])) === 1,
  );
  const r = await h.pool.query(
    `SELECT status, code, payload, signature, signer_key_id, payload_type, at FROM audit_overrides WHERE kind = 'result' AND command_id = $1`,
    [commandId],
  );
  return r.rows[0] as Awaited<ReturnType<typeof result>>;
}

describe('overrides through Kafka', () => {
  it('approves a pending execution with a signed record, and refuses a second resolution', async () => {
    const id = `ovr-${Date.now()}`;
    await h.producer.submit({ executionId: id, policyId: 'agent-action-gate', policyVersion: '1.0.0', signals: RISKY });
    await h.waitFor(
      'the pending decision',
      async () =>
        (await h.count(
          `SELECT count(*) AS n FROM audit_decisions WHERE execution_id = $1 AND execution_state = 'pending_override'`,
          [id],
        )) === 1,
    );

    await overrides.send(command(id, `${id}-c1`, true));
    const approved = await result(`${id}-c1`);
    expect(approved.status).toBe('approved');
    const check = verifySigned(
      approved.payload_type ?? '',
      approved.payload ?? Buffer.alloc(0),
      approved.signature ?? '',
      approved.signer_key_id ?? '',
      loadTrustRoot('trust'),
      'attestation-signing',
      approved.at.toISOString(),
    );
    expect(check).toEqual({ valid: true, problems: [] });
    const body = JSON.parse(approved.payload?.toString() ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({
      executionId: id,
      status: 'approved',
      executionState: 'overridden',
      approvedBy: 'alice@example.com',
    });

    await overrides.send(command(id, `${id}-c2`, false));
    expect(await result(`${id}-c2`)).toMatchObject({ status: 'already_resolved', code: 'INV-017', payload: null });
  });

  it('answers not_found when nothing is pending, and refuses a malformed command', async () => {
    const id = `none-${Date.now()}`;
    await overrides.send(command(id, `${id}-c1`, true));
    expect(await result(`${id}-c1`)).toMatchObject({ status: 'not_found', code: 'INV-018' });
    await overrides.send({ ...command(id, `${id}-c2`, true), approverRole: 'executor' });
    expect(await result(`${id}-c2`)).toMatchObject({ status: 'invalid', code: 'INV-019' });
  });
});
