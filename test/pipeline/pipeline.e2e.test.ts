import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAttestation } from '../../core/attestation/verifyAttestation.js';
import { envelopeOf } from '../../shared/records/envelopeOf.js';
import type { AttestationRecord } from '../../shared/records/AttestationRecord.js';
import { loadTrustRoot } from '../../ops/trust/trustFiles.js';
import { PipelineHarness } from './PipelineHarness.js';

const LOAN = {
  credit_score: 780,
  annual_income: 120000,
  loan_amount: 30000,
  debt_to_income: 0.2,
  employment_status: 'employed',
  has_collateral: false,
};
const trust = loadTrustRoot('trust');

let h: PipelineHarness;

beforeAll(async () => {
  // A copy of the signed policies in which one bundle is tampered with after signing.
  const policies = mkdtempSync(join(tmpdir(), 'policies-'));
  cpSync('policies', policies, { recursive: true });
  writeFileSync(join(policies, 'refund-approval/1.0.0/tests.json'), '{"cases": []}\n');
  h = await PipelineHarness.create({ PARMANA_POLICIES_DIR: policies });
  h.start(['worker']);
  h.start(['sinks']);
  h.start(['log', 'writer']);
});

afterAll(async () => {
  await h.close();
});

describe('pipeline end to end (real Kafka, registry, Redis, Postgres)', () => {
  it('turns a request into one signed attestation on the topic and one verifiable audit row', async () => {
    const id = `ok-${Date.now()}`;
    // A time inside the dev trust root's key validity (dev init makes keys valid from a day before it ran).
    const requestedAt = `${new Date().toISOString().slice(0, 19)}Z`;
    await h.producer.submit({
      executionId: id,
      policyId: 'loan-approval',
      policyVersion: '1.0.0',
      signals: LOAN,
      requestedAt,
    });
    await h.waitFor('the decision row', async () => (await h.outcomes(id)) === 1);
    const row = await h.pool.query<{
      payload: Buffer;
      signature: string;
      signer_key_id: string;
      payload_type: string;
      action: string;
      rule_id: string;
      requested_at: Date;
    }>(
      'SELECT payload, signature, signer_key_id, payload_type, action, rule_id, requested_at FROM audit_decisions WHERE execution_id = $1',
      [id],
    );
    expect(row.rows).toHaveLength(1);
    const r = row.rows[0];
    expect(r?.action).toBe('approve');
    expect(r?.rule_id).toBe('approve-prime');
    expect(r?.requested_at.toISOString()).toBe(requestedAt.replace('Z', '.000Z'));
    const stored = {
      payloadType: r?.payload_type,
      payload: r?.payload,
      signature: r?.signature,
      signerKeyId: r?.signer_key_id,
    };
    const verification = verifyAttestation(envelopeOf(stored as AttestationRecord), trust, { signals: LOAN });
    expect(verification.valid).toBe(true);
    expect(verification.checks.fingerprint).toBe(true);

    const onTopic = (await h.readTopic(h.topics.attestations, 1, 20_000)).filter((m) => m.key === id);
    expect(onTopic).toHaveLength(1);
    const record = (await h.codec.decode(onTopic[0]?.value ?? null)) as AttestationRecord;
    expect(verifyAttestation(envelopeOf(record), trust, { implementation: 'noble' }).valid).toBe(true);
    expect(record.payload.equals(row.rows[0]?.payload ?? Buffer.alloc(0))).toBe(true);
  });

  it('refuses a second request with a consumed executionId: one INV-013 rejection and one replay_attempt', async () => {
    const id = `replay-${Date.now()}`;
    await h.producer.submit({ executionId: id, policyId: 'loan-approval', policyVersion: '1.0.0', signals: LOAN });
    await h.waitFor(
      'the first decision',
      async () => (await h.count('SELECT count(*) AS n FROM audit_decisions WHERE execution_id = $1', [id])) === 1,
    );
    await h.producer.submit({
      executionId: id,
      policyId: 'loan-approval',
      policyVersion: '1.0.0',
      signals: { ...LOAN, credit_score: 400 },
    });
    await h.waitFor(
      'the replay rejection',
      async () => (await h.count('SELECT count(*) AS n FROM audit_rejections WHERE execution_id = $1', [id])) === 1,
    );
    await h.waitFor(
      'the replay event',
      async () =>
        (await h.count(
          `SELECT count(*) AS n FROM audit_security_events WHERE execution_id = $1 AND event_type = 'replay_attempt'`,
          [id],
        )) === 1,
    );
    const rej = await h.pool.query('SELECT code FROM audit_rejections WHERE execution_id = $1', [id]);
    expect(rej.rows).toEqual([{ code: 'INV-013' }]);
    expect(await h.count('SELECT count(*) AS n FROM audit_decisions WHERE execution_id = $1', [id])).toBe(1);
  });

  it('gives invalid signals, an unknown policy and a tampered bundle their coded rejections', async () => {
    const p = `bad-${Date.now()}`;
    await h.producer.submitBatch([
      {
        executionId: `${p}-val`,
        policyId: 'loan-approval',
        policyVersion: '1.0.0',
        signals: { ...LOAN, credit_score: 'high' },
      },
      { executionId: `${p}-pol`, policyId: 'no-such-policy', policyVersion: '1.0.0', signals: {} },
      { executionId: `${p}-bnd`, policyId: 'refund-approval', policyVersion: '1.0.0', signals: { amount: 1 } },
    ]);
    await h.waitFor('three rejections', async () => (await h.outcomes(p)) === 3);
    const rows = await h.pool.query<{ execution_id: string; code: string }>(
      'SELECT execution_id, code FROM audit_rejections WHERE execution_id LIKE $1 ORDER BY execution_id',
      [`${p}%`],
    );
    expect(rows.rows).toEqual([
      { execution_id: `${p}-bnd`, code: 'BND-002' },
      { execution_id: `${p}-pol`, code: 'POL-042' },
      { execution_id: `${p}-val`, code: 'VAL-006' },
    ]);
    await h.waitFor(
      'the invalid_policy event',
      async () =>
        (await h.count(
          `SELECT count(*) AS n FROM audit_security_events WHERE execution_id = $1 AND event_type = 'invalid_policy'`,
          [`${p}-bnd`],
        )) === 1,
    );
  });

  it('sends undecodable bytes to the dead-letter topic and moves the partition on', async () => {
    const key = `poison-${Date.now()}`;
    const producer = h.kafka.producer();
    await producer.connect();
    await producer.send({ topic: h.topics.requests, messages: [{ key, value: Buffer.from('definitely not avro') }] });
    await producer.disconnect();
    // Same key, same partition: decided only if the poison record did not stall the partition.
    await h.producer.submit({ executionId: key, policyId: 'loan-approval', policyVersion: '1.0.0', signals: LOAN });
    await h.waitFor('the request behind the poison record', async () => (await h.outcomes(key)) === 1);
    const dead = (await h.readTopic(h.topics.deadLetter, 1, 20_000)).filter((m) => m.key === key);
    expect(dead).toHaveLength(1);
    expect(dead[0]?.value?.toString()).toBe('definitely not avro');
    expect(dead[0]?.headers['parmana-dlq-reason']).toBe('REQ-001');
    expect(dead[0]?.headers['parmana-dlq-source-topic']).toBe(h.topics.requests);
  });
});
