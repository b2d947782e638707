import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { envelopeOf } from '../shared/records/envelopeOf.js';
import { ParmanaError } from '../core/errors/ParmanaError.js';
import { sampleAttestationRecord } from '../test/fixtures/sampleAttestation.js';
import type { ApiSettings } from './AppDeps.js';
import { buildApp } from './buildApp.js';
import type { DecisionRow, ErrorBody, ExecuteResponse, RejectionBody, VerificationResult } from './contract.js';
import type { Outcome } from './ports.js';
import { fakes, SECRETS, SIGNER, type Fakes } from './testing/fakeDeps.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function setup(
  settings: Partial<ApiSettings> = {},
): Promise<
  Fakes & { call: (o: InjectOptions) => Promise<{ status: number; body: unknown; headers: Record<string, unknown> }> }
> {
  const f = fakes(settings);
  app = await buildApp(f.deps);
  const built = app;
  return {
    ...f,
    call: async (o) => {
      const res = await built.inject(o);
      const text = res.body;
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // plain text (metrics)
      }
      return { status: res.statusCode, body, headers: res.headers };
    },
  };
}

const auth = (role: keyof typeof SECRETS): Record<string, string> => ({ authorization: `Bearer ${SECRETS[role]}` });
const REQUEST = { executionId: 'exec-1', policyId: 'loan-approval', policyVersion: '1.0.0', signals: { amount: 10 } };
const RECORD = sampleAttestationRecord(SIGNER, 'exec-1');
const ENVELOPE = envelopeOf(RECORD);
const DECISION: Outcome = {
  kind: 'decision',
  executionId: 'exec-1',
  action: 'approve',
  executionState: 'completed',
  requiresOverride: false,
  ruleId: 'x',
  envelope: ENVELOPE,
};
/** The audit row of DECISION, as the store returns it. */
const DECISION_ROW: DecisionRow = {
  executionId: 'exec-1',
  policyId: 'loan-approval',
  policyVersion: '1.0.0',
  action: 'approve',
  requires_override: false,
  execution_state: 'completed',
  ruleId: 'x',
  executionFingerprint: RECORD.executionFingerprint,
  requestedAt: '2026-01-01T00:00:00.000Z',
  signerKeyId: SIGNER.keyId,
  recordedAt: '2026-01-01T00:00:01.000Z',
};
const codeOf = (body: unknown): string => (body as ErrorBody).error.code;

describe('authentication, roles and rate limits', () => {
  it('401 for a missing or unknown key, with an unauthorized_access event each time', async () => {
    const t = await setup();
    const none = await t.call({ method: 'POST', url: '/execute', payload: REQUEST });
    const wrong = await t.call({
      method: 'POST',
      url: '/execute',
      payload: REQUEST,
      headers: { authorization: 'Bearer nope' },
    });
    const malformed = await t.call({ method: 'GET', url: '/audit/decisions', headers: { authorization: 'Basic abc' } });
    expect([none.status, wrong.status, malformed.status]).toEqual([401, 401, 401]);
    expect(codeOf(none.body)).toBe('API-001');
    expect(t.events.security.map((e) => [e.eventType, e.severity, e.detail.reason])).toEqual([
      ['unauthorized_access', 'high', 'missing key'],
      ['unauthorized_access', 'high', 'unknown key'],
      ['unauthorized_access', 'high', 'missing key'],
    ]);
    expect(t.executions.calls).toHaveLength(0);
  });

  it('403 for the wrong role (with an event); admin may do everything', async () => {
    const t = await setup();
    const auditorExecutes = await t.call({
      method: 'POST',
      url: '/execute',
      payload: REQUEST,
      headers: auth('auditor'),
    });
    const executorAudits = await t.call({ method: 'GET', url: '/audit/decisions', headers: auth('executor') });
    const executorOverrides = await t.call({
      method: 'POST',
      url: '/override',
      headers: auth('executor'),
      payload: { executionId: 'e', approved: true, approvedBy: 'a', approverRole: 'approver', reason: 'r' },
    });
    expect([auditorExecutes.status, executorAudits.status, executorOverrides.status]).toEqual([403, 403, 403]);
    expect(codeOf(auditorExecutes.body)).toBe('API-002');
    expect(t.events.security.filter((e) => e.code === 'API-002')).toHaveLength(3);
    const admin = await t.call({ method: 'GET', url: '/audit/decisions', headers: auth('admin') });
    expect(admin.status).toBe(200);
  });

  it('429 past the per-key limit, with a rate_limit_exceeded event; /execute and the rest count separately', async () => {
    const t = await setup({ rateLimit: { execute: 2, other: 3, windowMs: 60_000 } });
    t.executions.answer = () => Promise.resolve(DECISION);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push(
        (await t.call({ method: 'POST', url: '/execute', payload: REQUEST, headers: auth('executor') })).status,
      );
    }
    expect(statuses).toEqual([200, 200, 429]);
    // Another key has its own budget; the same key still has its "other" budget.
    expect((await t.call({ method: 'POST', url: '/execute', payload: REQUEST, headers: auth('admin') })).status).toBe(
      200,
    );
    const verify = await t.call({
      method: 'POST',
      url: '/verify',
      payload: { attestation: ENVELOPE },
      headers: auth('executor'),
    });
    expect(verify.status).toBe(200);
    const limited = t.events.security.filter((e) => e.eventType === 'rate_limit_exceeded');
    expect(limited).toHaveLength(1);
    expect(limited[0]?.detail.keyName).toBe('executor-key');
    const last = await t.call({ method: 'POST', url: '/execute', payload: REQUEST, headers: auth('executor') });
    expect(codeOf(last.body)).toBe('API-003');
    expect(last.headers['retry-after']).toBeDefined();
  });

  it('a spoofed X-Forwarded-For does not buy a new budget', async () => {
    const t = await setup({ rateLimit: { execute: 1, other: 1, windowMs: 60_000 } });
    t.executions.answer = () => Promise.resolve(DECISION);
    const first = await t.call({
      method: 'POST',
      url: '/execute',
      payload: REQUEST,
      headers: { ...auth('executor'), 'x-forwarded-for': '1.1.1.1' },
    });
    const second = await t.call({
      method: 'POST',
      url: '/execute',
      payload: REQUEST,
      headers: { ...auth('executor'), 'x-forwarded-for': '2.2.2.2' },
    });
    expect([first.status, second.status]).toEqual([200, 429]);
  });
});

describe('POST /execute', () => {
  it('200 with status, requires_override and the attestation; the request reaches the gateway canonicalised', async () => {
    const t = await setup();
    t.executions.answer = () => Promise.resolve(DECISION);
    const res = await t.call({
      method: 'POST',
      url: '/execute',
      payload: { ...REQUEST, signals: { b: 2, a: 1 } },
      headers: { ...auth('executor'), traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    expect(res.status).toBe(200);
    const body = res.body as ExecuteResponse;
    expect(body).toEqual({
      executionId: 'exec-1',
      status: 'completed',
      requires_override: false,
      action: 'approve',
      ruleId: 'x',
      attestation: ENVELOPE,
    });
    expect(t.executions.calls[0]?.request).toEqual({
      executionId: 'exec-1',
      policyId: 'loan-approval',
      policyVersion: '1.0.0',
      signalsJson: '{"a":1,"b":2}',
      requestedBy: 'executor-key',
    });
    expect(t.executions.calls[0]?.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  });

  it('422 with the worker’s rejection code and the signed rejection', async () => {
    const t = await setup();
    t.executions.answer = (r) =>
      Promise.resolve({
        kind: 'rejection',
        executionId: r.executionId,
        code: 'INV-013',
        message: 'INV-013 Replay',
        path: null,
        envelope: ENVELOPE,
      });
    const res = await t.call({ method: 'POST', url: '/execute', payload: REQUEST, headers: auth('executor') });
    expect(res.status).toBe(422);
    const body = res.body as RejectionBody;
    expect(body.error.code).toBe('INV-013');
    expect(body.rejection.attestation).toEqual(ENVELOPE);
  });

  it('504 API-007 after the timeout; 503 API-010 when Kafka refuses the request', async () => {
    const t = await setup();
    const timeout = await t.call({ method: 'POST', url: '/execute', payload: REQUEST, headers: auth('executor') });
    expect([timeout.status, codeOf(timeout.body)]).toEqual([504, 'API-007']);
    t.executions.answer = () => Promise.reject(new ParmanaError('API-010', { detail: 'broker down' }));
    const down = await t.call({ method: 'POST', url: '/execute', payload: REQUEST, headers: auth('executor') });
    expect([down.status, codeOf(down.body)]).toEqual([503, 'API-010']);
  });

  it.each([
    ['malformed JSON', '{"executionId": ', 'application/json', 400, 'API-005'],
    [
      'a duplicate key',
      '{"executionId":"a","executionId":"b","policyId":"p","policyVersion":"1.0.0","signals":{}}',
      'application/json',
      400,
      'CAN-003',
    ],
    ['wrong types', JSON.stringify({ ...REQUEST, signals: 'x' }), 'application/json', 400, 'API-006'],
    ['an unknown field', JSON.stringify({ ...REQUEST, extra: 1 }), 'application/json', 400, 'API-006'],
    [
      'a missing field',
      JSON.stringify({ executionId: 'a', policyId: 'p', policyVersion: '1.0.0' }),
      'application/json',
      400,
      'API-006',
    ],
    [
      'a control character in executionId',
      JSON.stringify({ ...REQUEST, executionId: 'a\u0007b' }),
      'application/json',
      400,
      'REQ-004',
    ],
    [
      'a version that is not semver',
      JSON.stringify({ ...REQUEST, policyVersion: 'v1' }),
      'application/json',
      400,
      'REQ-006',
    ],
    [
      'a body over the HTTP limit',
      JSON.stringify({ ...REQUEST, signals: { s: 'x'.repeat(20_000) } }),
      'application/json',
      413,
      'API-004',
    ],
    [
      'a request over the encoded limit',
      JSON.stringify({ ...REQUEST, signals: { s: 'x'.repeat(3_000) } }),
      'application/json',
      413,
      'REQ-008',
    ],
    ['a text body', 'executionId=a', 'text/plain', 415, 'API-012'],
  ])('refuses %s with a code and never reaches Kafka', async (_what, payload, contentType, status, code) => {
    const t = await setup();
    const res = await t.call({
      method: 'POST',
      url: '/execute',
      payload,
      headers: { ...auth('executor'), 'content-type': contentType },
    });
    expect([res.status, codeOf(res.body)]).toEqual([status, code]);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
    expect(t.executions.calls).toHaveLength(0);
  });

  it('an unexpected failure is a 500 with a generic body: no stack, no internal message', async () => {
    const t = await setup();
    t.executions.answer = () => Promise.reject(new TypeError('secret internal detail at /srv/app.js:12'));
    const res = await t.call({ method: 'POST', url: '/execute', payload: REQUEST, headers: auth('executor') });
    expect(res.status).toBe(500);
    expect(codeOf(res.body)).toBe('API-099');
    expect(JSON.stringify(res.body)).not.toContain('secret internal detail');
  });
});

describe('GET /executions/:executionId', () => {
  it('answers from recent outcomes, then from the audit trail, else 404; 503 when only the audit DB could tell', async () => {
    const t = await setup();
    t.executions.recentOutcomes.set('exec-1', DECISION);
    expect((await t.call({ method: 'GET', url: '/executions/exec-1', headers: auth('auditor') })).status).toBe(200);
    const missing = await t.call({ method: 'GET', url: '/executions/exec-2', headers: auth('executor') });
    expect([missing.status, codeOf(missing.body)]).toEqual([404, 'API-008']);
    t.audit.rejection = () =>
      Promise.resolve({ code: 'VAL-004', message: 'VAL-004 bad', path: '$.signals.amount', envelope: ENVELOPE });
    const rejected = await t.call({ method: 'GET', url: '/executions/exec-3', headers: auth('executor') });
    expect([rejected.status, codeOf(rejected.body)]).toEqual([422, 'VAL-004']);
    t.audit.decision = () => Promise.reject(new ParmanaError('API-009'));
    const down = await t.call({ method: 'GET', url: '/executions/exec-4', headers: auth('executor') });
    expect([down.status, codeOf(down.body)]).toEqual([503, 'API-009']);
  });
});

describe('POST /verify', () => {
  it('a valid attestation: every check passes, the verification is recorded, no security event', async () => {
    const t = await setup();
    const res = await t.call({
      method: 'POST',
      url: '/verify',
      payload: { attestation: ENVELOPE },
      headers: auth('executor'),
    });
    expect(res.status).toBe(200);
    const body = res.body as VerificationResult;
    expect(body.valid).toBe(true);
    expect(body.checks.signature).toBe('pass');
    expect(body.checks.fingerprint).toBe('skipped');
    expect(t.events.verifications).toEqual([
      expect.objectContaining({ verificationId: body.verificationId, valid: true, executionId: 'exec-1' }),
    ]);
    expect(t.events.security).toHaveLength(0);
  });

  it('a tampered attestation: invalid, recorded, and a critical signature_failure event', async () => {
    const t = await setup();
    const payload = Buffer.from(ENVELOPE.payload, 'base64').toString('utf8').replace('"approve"', '"reject"');
    const tampered = { ...ENVELOPE, payload: Buffer.from(payload).toString('base64') };
    const res = await t.call({
      method: 'POST',
      url: '/verify',
      payload: { attestation: tampered },
      headers: auth('executor'),
    });
    const body = res.body as VerificationResult;
    expect([res.status, body.valid, body.checks.signature]).toEqual([200, false, 'fail']);
    expect(body.reasons.map((r) => r.code)).toContain('ATT-005');
    expect(t.events.security).toEqual([
      expect.objectContaining({ eventType: 'signature_failure', severity: 'critical', code: 'ATT-005' }),
    ]);
    expect(t.events.verifications[0]?.valid).toBe(false);
  });

  it('503 when the verification cannot be recorded', async () => {
    const t = await setup();
    t.events.failVerifications = true;
    const res = await t.call({
      method: 'POST',
      url: '/verify',
      payload: { attestation: ENVELOPE },
      headers: auth('executor'),
    });
    expect([res.status, codeOf(res.body)]).toEqual([503, 'API-010']);
  });
});

describe('POST /override', () => {
  const body = {
    executionId: 'exec-9',
    approved: true,
    approvedBy: 'alice',
    approverRole: 'approver',
    reason: 'checked',
  };

  it('200 approved, 404 nothing pending, 409 already resolved, 504 timeout', async () => {
    const t = await setup();
    t.overrides.answer = {
      status: 'approved',
      executionId: 'exec-9',
      approvedBy: 'alice',
      decidedAt: '2026-03-01T12:00:00.000Z',
      envelope: ENVELOPE,
    };
    const ok = await t.call({ method: 'POST', url: '/override', payload: body, headers: auth('approver') });
    expect([ok.status, (ok.body as { status: string }).status]).toEqual([200, 'approved']);
    t.overrides.answer = { status: 'not_found', code: 'INV-018', message: 'none' };
    const none = await t.call({ method: 'POST', url: '/override', payload: body, headers: auth('approver') });
    expect([none.status, codeOf(none.body)]).toEqual([404, 'INV-018']);
    t.overrides.answer = { status: 'already_resolved', code: 'INV-017', message: 'done' };
    const again = await t.call({ method: 'POST', url: '/override', payload: body, headers: auth('approver') });
    expect([again.status, codeOf(again.body)]).toEqual([409, 'INV-017']);
    t.overrides.answer = 'timeout';
    const slow = await t.call({ method: 'POST', url: '/override', payload: body, headers: auth('approver') });
    expect(slow.status).toBe(504);
    expect(t.overrides.calls).toHaveLength(4);
  });

  it('a key cannot claim a role it does not hold, and the reason is required', async () => {
    const t = await setup();
    const claimsAdmin = await t.call({
      method: 'POST',
      url: '/override',
      payload: { ...body, approverRole: 'admin' },
      headers: auth('approver'),
    });
    expect([claimsAdmin.status, codeOf(claimsAdmin.body)]).toEqual([403, 'API-002']);
    const noReason = await t.call({
      method: 'POST',
      url: '/override',
      payload: { ...body, reason: '' },
      headers: auth('approver'),
    });
    expect([noReason.status, codeOf(noReason.body)]).toEqual([400, 'API-006']);
    expect(t.overrides.calls).toHaveLength(0);
  });
});

describe('GET /audit/*', () => {
  it('passes typed filters to the store; hostile strings are only values', async () => {
    const t = await setup();
    const hostile = "x'; DROP TABLE audit_decisions; --";
    const res = await t.call({
      method: 'GET',
      url: `/audit/decisions?policyId=${encodeURIComponent(hostile)}&action=approve&execution_state=completed&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&limit=10`,
      headers: auth('auditor'),
    });
    expect(res.status).toBe(200);
    expect(t.auditCalls[0]).toEqual({
      method: 'decisions',
      args: {
        policyId: hostile,
        action: 'approve',
        execution_state: 'completed',
        from: '2026-01-01T00:00:00Z',
        to: '2026-02-01T00:00:00Z',
        limit: 10,
      },
    });
  });

  it.each([
    ['/audit/decisions?limit=-1', 'API-006'],
    ['/audit/decisions?limit=abc', 'API-006'],
    ['/audit/decisions?limit=100000', 'API-006'],
    ['/audit/decisions?from=yesterday', 'API-006'],
    ['/audit/decisions?from=2026-13-45T00:00:00Z', 'API-006'],
    ['/audit/decisions?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'API-011'],
    ['/audit/decisions?unknown=1', 'API-006'],
    ['/audit/decisions?execution_state=%27%20OR%201%3D1', 'API-006'],
    ['/audit/security?limit=0', 'API-006'],
    ['/audit/security/events?severity=urgent', 'API-006'],
    ['/audit/overrides?status=everything', 'API-006'],
    ['/audit/api-calls?status=999', 'API-006'],
  ])('%s -> 400 %s before the database', async (url, code) => {
    const t = await setup();
    const res = await t.call({ method: 'GET', url, headers: auth('auditor') });
    expect([res.status, codeOf(res.body)]).toEqual([400, code]);
    expect(t.auditCalls).toHaveLength(0);
  });

  it('503 API-009 with a clear body when the audit database is down', async () => {
    const t = await setup();
    t.audit.securityGroups = () => Promise.reject(new ParmanaError('API-009', { detail: 'connect ECONNREFUSED' }));
    const res = await t.call({ method: 'GET', url: '/audit/security', headers: auth('auditor') });
    expect(res.status).toBe(503);
    expect((res.body as ErrorBody).error.message).toContain('Audit database unavailable');
  });

  it('a decision comes back with its read-time verification', async () => {
    const t = await setup();
    t.audit.decision = () =>
      Promise.resolve({
        row: DECISION_ROW,
        envelope: ENVELOPE,
        overrides: [],
      });
    const res = await t.call({ method: 'GET', url: '/audit/decisions/exec-1', headers: auth('auditor') });
    expect(res.status).toBe(200);
    expect((res.body as { verification: { valid: boolean } }).verification.valid).toBe(true);
  });
});

describe('operations and headers', () => {
  it('health and readiness are public; metrics count requests by route and status', async () => {
    const t = await setup();
    expect((await t.call({ method: 'GET', url: '/health' })).status).toBe(200);
    expect((await t.call({ method: 'GET', url: '/ready' })).status).toBe(200);
    await t.call({ method: 'GET', url: '/audit/stats', headers: auth('auditor') });
    const metrics = await t.call({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('parmana_http_requests_total{method="GET",route="/audit/stats",status="200"} 1');
    expect(t.events.apiCalls.map((c) => [c.route, c.status, c.keyName])).toContainEqual([
      '/audit/stats',
      200,
      'auditor-key',
    ]);
  });

  it('the OpenAPI document lists every route with its schemas', async () => {
    const t = await setup();
    const doc = (await t.call({ method: 'GET', url: '/docs/json' })).body as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/audit/api-calls',
      '/audit/decisions',
      '/audit/decisions/{executionId}',
      '/audit/overrides',
      '/audit/security',
      '/audit/security/events',
      '/audit/stats',
      '/audit/verifications',
      '/execute',
      '/executions/{executionId}',
      '/health',
      '/log/checkpoint',
      '/log/entries/{index}',
      '/log/monitor',
      '/log/proof/consistency',
      '/log/proof/inclusion',
      '/override',
      '/ready',
      '/trust-root',
      '/verify',
    ]);
  });

  it('CORS only for the configured origin; helmet headers; unknown routes get the error shape', async () => {
    const t = await setup();
    const allowed = await t.call({
      method: 'OPTIONS',
      url: '/execute',
      headers: { origin: 'http://dashboard.test:8081', 'access-control-request-method': 'POST' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('http://dashboard.test:8081');
    const other = await t.call({ method: 'GET', url: '/health', headers: { origin: 'http://evil.test' } });
    expect(other.headers['access-control-allow-origin']).not.toBe('http://evil.test');
    expect(other.headers['x-content-type-options']).toBe('nosniff');
    expect(other.headers['content-security-policy']).toContain("default-src 'self'");
    const missing = await t.call({ method: 'GET', url: '/nope' });
    expect([missing.status, codeOf(missing.body)]).toEqual([404, 'API-008']);
  });
});

describe('test hooks', () => {
  it('absent unless enabled', async () => {
    const t = await setup();
    const res = await t.call({ method: 'POST', url: '/test-hooks/tamper/exec-1', headers: auth('admin') });
    expect([res.status, codeOf(res.body)]).toEqual([404, 'API-008']);
  });

  it('when enabled, a marked execution reads back with an altered payload that fails verification', async () => {
    const t = await setup({ testHooks: true });
    t.audit.decision = () => Promise.resolve({ row: DECISION_ROW, envelope: ENVELOPE, overrides: [] });
    expect((await t.call({ method: 'POST', url: '/test-hooks/tamper/exec-1', headers: auth('auditor') })).status).toBe(
      403,
    );
    expect((await t.call({ method: 'POST', url: '/test-hooks/tamper/exec-1', headers: auth('admin') })).status).toBe(
      204,
    );
    const res = await t.call({ method: 'GET', url: '/audit/decisions/exec-1', headers: auth('auditor') });
    const body = res.body as { attestation: { payload: string }; verification: { valid: boolean } };
    expect(body.verification.valid).toBe(false);
    expect(Buffer.from(body.attestation.payload, 'base64').toString()).toContain('"action":"approve-altered"');
  });
});
