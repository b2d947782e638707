import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type ParmanaClient } from '../../api/client/createClient.js';
import type { ErrorBody, ExecuteResponse, HealthResponse, RejectionBody } from '../../api/contract.js';
import { verifyAttestation } from '../../core/attestation/verifyAttestation.js';
import { loadTrustRoot } from '../../ops/trust/trustFiles.js';
import { PipelineHarness } from '../pipeline/PipelineHarness.js';
import { ApiProcess } from './ApiProcess.js';
import { LOAN, loanRequest, RISKY, startApiPipeline, type ApiPipeline } from './startApiPipeline.js';

const trust = loadTrustRoot(join(process.cwd(), 'trust'));

let pipeline: ApiPipeline | undefined;
let h: PipelineHarness;
let api: ApiProcess;
let executor: ParmanaClient;
let auditor: ParmanaClient;
let approver: ParmanaClient;
const run = randomBytes(4).toString('hex');

beforeAll(async () => {
  pipeline = await startApiPipeline();
  ({ h, api, executor, auditor, approver } = pipeline);
}, 120_000);

afterAll(async () => {
  await pipeline?.h.close();
});

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}\n${PipelineHarness.output(api.child).slice(-2000)}`);
}

describe('the API on the real pipeline', () => {
  it('POST /execute returns 200 with an attestation that verifies independently', async () => {
    const res = await executor.execute(loanRequest(`${run}-ok`));
    expect(res.status).toBe('completed');
    expect(res.requires_override).toBe(false);
    const local = verifyAttestation(res.attestation, trust, { signals: LOAN, implementation: 'noble' });
    expect(local.valid).toBe(true);
    expect(local.body?.executionId).toBe(`${run}-ok`);
    expect(await executor.executions.get(`${run}-ok`)).toEqual(res);
  });

  it('a duplicate gets 422 INV-013 and its replay_attempt shows under /audit/security within seconds', async () => {
    await executor.execute(loanRequest(`${run}-dup`));
    const again = await executor.execute(loanRequest(`${run}-dup`)).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ApiError);
    const err = again as ApiError;
    expect([err.status, err.code]).toEqual([422, 'INV-013']);
    expect((err.body as RejectionBody).rejection.attestation.payloadType).toContain('rejection');
    const started = Date.now();
    const group = await eventually('the replay group', async () =>
      (await auditor.audit.security()).find((g) => g.event_type === 'replay_attempt'),
    );
    expect(group.event_count).toBeGreaterThanOrEqual(1);
    expect(Date.now() - started).toBeLessThan(30_000);
    const events = await auditor.audit.securityEvents({ event_type: 'replay_attempt' });
    expect(events.items.map((e) => e.executionId)).toContain(`${run}-dup`);
    // The first outcome stays the execution's outcome.
    expect((await executor.executions.get(`${run}-dup`)).status).toBe('completed');
  });

  it('a tampered attestation: /verify says invalid, and a signature_failure event is recorded', async () => {
    const res = await executor.execute(loanRequest(`${run}-tamper`));
    const body = Buffer.from(res.attestation.payload, 'base64').toString('utf8');
    const forged = body.replace(`"${res.action}"`, res.action === 'approve' ? '"reject"' : '"approve"');
    expect(forged).not.toBe(body);
    const tampered = { ...res.attestation, payload: Buffer.from(forged).toString('base64') };
    const verdict = await executor.verify(tampered);
    expect(verdict.valid).toBe(false);
    expect(verdict.checks.signature).toBe('fail');
    const genuine = await executor.verify(res.attestation, LOAN);
    expect([genuine.valid, genuine.checks.fingerprint]).toEqual([true, 'pass']);
    await eventually('the signature_failure event', async () =>
      (await auditor.audit.securityEvents({ event_type: 'signature_failure' })).items.find(
        (e) => e.executionId === `${run}-tamper`,
      ),
    );
    const recorded = await eventually('both verifications', async () => {
      const page = await auditor.audit.verifications({ executionId: `${run}-tamper` });
      return page.items.length === 2 ? page.items : undefined;
    });
    expect(recorded.map((v) => v.valid).sort()).toEqual([false, true]);
  });

  it('an override round trip: pending, approved with a signed record, then 409; 404 when nothing is pending', async () => {
    const id = `${run}-risky`;
    const pending = await executor.execute({
      executionId: id,
      policyId: 'agent-action-gate',
      policyVersion: '1.0.0',
      signals: RISKY,
    });
    expect([pending.status, pending.requires_override]).toEqual(['pending_override', true]);
    const command = {
      executionId: id,
      approved: true,
      approvedBy: 'alice',
      approverRole: 'approver',
      reason: 'owner confirmed',
    };
    const approved = await approver.override(command);
    expect(approved.status).toBe('approved');
    const again = (await approver.override(command).catch((e: unknown) => e)) as ApiError;
    expect([again.status, again.code]).toEqual([409, 'INV-017']);
    const none = (await approver
      .override({ ...command, executionId: `${run}-never` })
      .catch((e: unknown) => e)) as ApiError;
    expect([none.status, none.code]).toEqual([404, 'INV-018']);
    const row = await eventually('the resolved override row', async () =>
      (await auditor.audit.overrides({ status: 'approved' })).items.find((o) => o.executionId === id),
    );
    expect([row.resolvedBy, row.reason]).toEqual(['alice', 'owner confirmed']);
  });

  it('401, 403 and 429 each produce their security event', async () => {
    const limited = await ApiProcess.start(h, { PARMANA_RATE_LIMIT_OTHER: '2' });
    try {
      const anonymous = await limited.call('GET', '/audit/stats');
      const wrongRole = await limited.call('GET', '/audit/stats', 'executor');
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await limited.call('GET', '/audit/stats', 'auditor')).status);
      expect([anonymous.status, wrongRole.status]).toEqual([401, 403]);
      expect(statuses).toEqual([200, 200, 429]);
      expect((anonymous.body as ErrorBody).error.code).toBe('API-001');
    } finally {
      await h.stop(limited.child);
    }
    const types = await eventually('the three events', async () => {
      const page = await auditor.audit.securityEvents({ limit: 1000 });
      const codes = new Set(page.items.filter((e) => e.source === 'api').map((e) => e.code));
      return ['API-001', 'API-002', 'API-003'].every((c) => codes.has(c)) ? page.items : undefined;
    });
    expect(types.some((e) => e.event_type === 'rate_limit_exceeded')).toBe(true);
    expect(types.some((e) => e.event_type === 'unauthorized_access')).toBe(true);
  });

  it('every call is recorded on the API-call topic and lands in audit_api_calls', async () => {
    const page = await eventually('api call rows', async () => {
      const p = await auditor.audit.apiCalls({ route: '/execute', limit: 1000 });
      return p.items.length >= 4 ? p : undefined;
    });
    expect(page.items.every((c) => c.keyName === 'executor-key')).toBe(true);
    expect(new Set(page.items.map((c) => c.status))).toEqual(new Set([200, 422]));
  });

  it('1,000 parallel /execute calls get 1,000 distinct correct outcomes; paging returns each row exactly once', async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `${run}-par-${i}`);
    const results = await Promise.all(
      ids.map((id) => api.call<ExecuteResponse>('POST', '/execute', 'executor', loanRequest(id))),
    );
    expect(results.map((r) => r.status)).toEqual(ids.map(() => 200));
    expect(results.map((r) => r.body.executionId)).toEqual(ids);
    for (const r of results.slice(0, 50)) {
      expect(verifyAttestation(r.body.attestation, trust).body?.executionId).toBe(r.body.executionId);
    }
    await h.waitFor('all rows', async () => (await h.outcomes(`${run}-par-`)) === 1000);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await auditor.audit.decisions({
        limit: 37,
        policyId: 'loan-approval',
        ...(cursor === undefined ? {} : { cursor }),
      });
      seen.push(...page.items.map((d) => d.executionId));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor !== undefined);
    const mine = seen.filter((id) => id.startsWith(`${run}-par-`));
    expect(mine).toHaveLength(1000);
    expect(new Set(mine).size).toBe(1000);
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBeGreaterThan(27);
  }, 180_000);

  it('/health reports the worker alive with an active signing key; /metrics counts outcomes', async () => {
    const health = await eventually('a live worker', async () => {
      const r = await api.call<HealthResponse>('GET', '/health');
      return r.body.worker.alive ? r.body : undefined;
    });
    expect(health).toMatchObject({
      kafka: { ok: true },
      schema_registry: { ok: true },
      audit_db: true,
      signing_key: { status: 'active' },
      trust_root_version: trust.version,
    });
    expect((await api.call('GET', '/ready')).status).toBe(200);
    const metrics = (await api.call<string>('GET', '/metrics')).body;
    expect(metrics).toMatch(/parmana_outcomes_total\{action="[a-z_]+"\} \d+/);
    expect(metrics).toMatch(/parmana_replay_violations_total [1-9]/);
    expect(metrics).toContain('parmana_http_request_duration_seconds_bucket');
  });
});
