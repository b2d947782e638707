import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAYLOAD_TYPES } from '../../core/dsse/Envelope.js';
import type { AttestationRecord } from '../../shared/records/AttestationRecord.js';
import { sampleAttestationRecord } from '../fixtures/sampleAttestation.js';
import { loadSignerFile } from '../../ops/keys/keyFiles.js';
import { PipelineHarness } from './PipelineHarness.js';

let h: PipelineHarness;
const signer = loadSignerFile('.local/keys/attestation-signing.pem');

beforeAll(async () => {
  h = await PipelineHarness.create();
  h.start(['worker']);
  h.start(['sinks']);
  h.start(['log', 'writer']);
});

afterAll(async () => {
  await h.close();
});

const attestation = (executionId: string, action: string): AttestationRecord =>
  sampleAttestationRecord(signer, executionId, action, new Date().toISOString());

async function produce(topic: string, messages: { key: string; value: object | Buffer }[]): Promise<void> {
  const producer = h.kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: await Promise.all(
      messages.map(async (m) => ({
        key: m.key,
        value: Buffer.isBuffer(m.value) ? m.value : await h.codec.encode(topic, m.value),
      })),
    ),
  });
  await producer.disconnect();
}

const events = (executionId: string, type: string): Promise<number> =>
  h.count('SELECT count(*) AS n FROM audit_security_events WHERE execution_id = $1 AND event_type = $2', [
    executionId,
    type,
  ]);

describe('audit sinks', () => {
  it('records a forged attestation as a critical signature_failure, never as a decision', async () => {
    const id = `forged-${randomUUID()}`;
    const genuine = attestation(id, 'reject');
    const forged = {
      ...genuine,
      payload: Buffer.from(genuine.payload.toString().replace('"reject"', '"approve"')),
    };
    await produce(h.topics.attestations, [{ key: id, value: forged }]);
    await h.waitFor('the signature_failure event', async () => (await events(id, 'signature_failure')) === 1);
    expect(await h.count('SELECT count(*) AS n FROM audit_decisions WHERE execution_id = $1', [id])).toBe(0);
    const row = await h.pool.query<{ severity: string; code: string }>(
      'SELECT severity, code FROM audit_security_events WHERE execution_id = $1',
      [id],
    );
    expect(row.rows).toEqual([{ severity: 'critical', code: 'ATT-005' }]);
  });

  it('records forged rejections as critical signature_failures, never as rejection rows', async () => {
    const tampered = `forged-rejection-${randomUUID()}`;
    const wrongType = `forged-type-${randomUUID()}`;
    const fields = { policyId: 'loan-approval', policyVersion: '1.0.0', message: 'm', path: null, traceparent: null };
    // Signed bytes changed after signing (as a rejection), and a genuine attestation envelope on the wrong topic.
    const a = attestation(tampered, 'reject');
    await produce(h.topics.rejections, [
      {
        key: tampered,
        value: {
          ...a,
          ...fields,
          code: 'VAL-001',
          payloadType: PAYLOAD_TYPES.rejection,
          payload: Buffer.from(a.payload.toString().replace('"reject"', '"rejekt"')),
        },
      },
      { key: wrongType, value: { ...attestation(wrongType, 'reject'), ...fields, code: 'VAL-001' } },
    ]);
    for (const id of [tampered, wrongType]) {
      await h.waitFor(
        `the signature_failure event of ${id}`,
        async () => (await events(id, 'signature_failure')) === 1,
      );
    }
    const rows = await h.pool.query<{ execution_id: string; severity: string; code: string; source: string }>(
      'SELECT execution_id, severity, code, source FROM audit_security_events WHERE execution_id = ANY($1) ORDER BY code',
      [[tampered, wrongType]],
    );
    expect(rows.rows).toEqual([
      { execution_id: wrongType, severity: 'critical', code: 'ATT-002', source: 'log-writer' },
      { execution_id: tampered, severity: 'critical', code: 'ATT-005', source: 'log-writer' },
    ]);
    expect(
      await h.count('SELECT count(*) AS n FROM audit_rejections WHERE execution_id = ANY($1)', [[tampered, wrongType]]),
    ).toBe(0);
  });

  it('keeps the first outcome and raises conflicting_outcome when a second, different one arrives', async () => {
    const id = `conflict-${randomUUID()}`;
    await produce(h.topics.attestations, [{ key: id, value: attestation(id, 'approve') }]);
    await h.waitFor(
      'the first decision',
      async () => (await h.count('SELECT count(*) AS n FROM audit_decisions WHERE execution_id = $1', [id])) === 1,
    );
    await produce(h.topics.attestations, [{ key: id, value: attestation(id, 'reject') }]);
    await h.waitFor('the conflicting_outcome event', async () => (await events(id, 'conflicting_outcome')) === 1);
    const rows = await h.pool.query('SELECT action FROM audit_decisions WHERE execution_id = $1', [id]);
    expect(rows.rows).toEqual([{ action: 'approve' }]);
  });

  it('projects verification and API call records', async () => {
    const vid = randomUUID();
    const rid = randomUUID();
    await produce(h.env.PARMANA_TOPIC_VERIFICATIONS ?? '', [
      {
        key: vid,
        value: {
          verificationId: vid,
          executionId: 'e-1',
          valid: false,
          checks: '{"signature":"fail"}',
          reasons: '[{"code":"ATT-005"}]',
          signerKeyId: null,
          source: 'api',
          requestedBy: 'auditor',
          verifiedAt: '2026-01-01T00:00:00Z',
        },
      },
    ]);
    await produce(h.env.PARMANA_TOPIC_API_CALLS ?? '', [
      {
        key: rid,
        value: {
          requestId: rid,
          method: 'POST',
          route: '/execute',
          status: 200,
          keyName: 'ci',
          latencyMs: 12.5,
          at: '2026-01-01T00:00:00Z',
        },
      },
    ]);
    await h.waitFor(
      'both rows',
      async () =>
        (await h.count('SELECT count(*) AS n FROM audit_verifications WHERE verification_id = $1', [vid])) === 1 &&
        (await h.count('SELECT count(*) AS n FROM audit_api_calls WHERE request_id = $1', [rid])) === 1,
    );
    const v = await h.pool.query(
      `SELECT valid, checks->>'signature' AS sig, reasons->0->>'code' AS code FROM audit_verifications WHERE verification_id = $1`,
      [vid],
    );
    expect(v.rows).toEqual([{ valid: false, sig: 'fail', code: 'ATT-005' }]);
  });

  it('gives executionIds with control characters and oversized records their coded rejections in the worker', async () => {
    const base = {
      policyId: 'loan-approval',
      policyVersion: '1.0.0',
      requestedAt: '2026-01-01T00:00:00Z',
      requestedBy: null,
      traceparent: null,
    };
    const ctl = `ctl-${randomUUID()}\u0007`;
    const big = `big-${randomUUID()}`;
    await produce(h.topics.requests, [
      { key: ctl, value: { ...base, executionId: ctl, signals: '{}' } },
      { key: big, value: { ...base, executionId: big, signals: JSON.stringify({ blob: 'x'.repeat(70_000) }) } },
    ]);
    await h.waitFor(
      'both rejections',
      async () =>
        (await h.count('SELECT count(*) AS n FROM audit_rejections WHERE execution_id IN ($1, $2)', [ctl, big])) === 2,
    );
    const rows = await h.pool.query<{ code: string }>(
      'SELECT code FROM audit_rejections WHERE execution_id IN ($1, $2) ORDER BY code',
      [ctl, big],
    );
    expect(rows.rows.map((r) => r.code)).toEqual(['REQ-004', 'REQ-008']);
  });

  it('answers the grouped security query: type, severity, count, first and last occurrence in a range', async () => {
    const r = await h.pool.query<{ event_type: string; severity: string; event_count: string }>(
      `SELECT event_type, severity, count(*) AS event_count, min(occurred_at) AS first_occurrence, max(occurred_at) AS last_occurrence
         FROM audit_security_events WHERE occurred_at BETWEEN now() - interval '1 hour' AND now() + interval '1 minute'
        GROUP BY event_type, severity ORDER BY event_type`,
    );
    expect(r.rows.map((x) => [x.event_type, x.severity])).toEqual(
      expect.arrayContaining([
        ['conflicting_outcome', 'critical'],
        ['signature_failure', 'critical'],
      ]),
    );
  });
});
