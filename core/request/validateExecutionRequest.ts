import { ParmanaError } from '../errors/ParmanaError.js';

export interface ExecutionRequest {
  readonly executionId: string;
  readonly policyId: string;
  readonly policyVersion: string;
  readonly signals: Readonly<Record<string, unknown>>;
  readonly requestedAt?: string;
  readonly requestedBy?: string;
  readonly traceparent?: string;
}

const FIELDS = new Set([
  'executionId',
  'policyId',
  'policyVersion',
  'signals',
  'requestedAt',
  'requestedBy',
  'traceparent',
]);
// C0 and C1 control characters: never valid in an id that ends up in logs, keys and audit rows.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const POLICY_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const RFC3339_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?Z$/;

/**
 * An RFC 3339 UTC timestamp naming a real instant. Date.parse rolls impossible dates over (2026-02-30 becomes
 * 2026-03-02, 24:00 the next day), so the parsed instant's components must read back as the ones written.
 */
function isRfc3339Utc(text: string): boolean {
  const m = RFC3339_UTC.exec(text);
  if (m === null) return false;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return false;
  const d = new Date(ms);
  const parsed = [
    d.getUTCFullYear(),
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
  ];
  return parsed.every((n, i) => n === Number(m[i + 1]));
}

/** The id rules shared by producers (before sending) and the worker (after decoding). */
export function checkIds(r: {
  executionId: string;
  policyId: string;
  policyVersion: string;
  requestedAt?: string;
}): ParmanaError | undefined {
  if (r.executionId.length === 0) return new ParmanaError('REQ-002', { path: '$.executionId' });
  if (r.executionId.length > 128) return new ParmanaError('REQ-003', { path: '$.executionId' });
  if (CONTROL.test(r.executionId)) return new ParmanaError('REQ-004', { path: '$.executionId' });
  if (!POLICY_ID.test(r.policyId)) return new ParmanaError('REQ-005', { path: '$.policyId' });
  if (!SEMVER.test(r.policyVersion)) return new ParmanaError('REQ-006', { path: '$.policyVersion' });
  if (r.requestedAt !== undefined && !isRfc3339Utc(r.requestedAt)) {
    return new ParmanaError('REQ-007', { path: '$.requestedAt' });
  }
  return undefined;
}

/** Validates an execution request envelope (not its signals: those belong to the policy). Never throws. */
export function validateExecutionRequest(
  raw: unknown,
): { ok: true; request: ExecutionRequest } | { ok: false; error: ParmanaError } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: new ParmanaError('REQ-010', { path: '$', detail: 'expected an object' }) };
  }
  const r = raw as Record<string, unknown>;
  const unknown = Object.keys(r).find((k) => !FIELDS.has(k));
  if (unknown !== undefined)
    return { ok: false, error: new ParmanaError('REQ-009', { path: `$.${unknown.slice(0, 64)}` }) };
  for (const f of ['executionId', 'policyId', 'policyVersion'] as const) {
    if (typeof r[f] !== 'string') return { ok: false, error: new ParmanaError('REQ-010', { path: `$.${f}` }) };
  }
  for (const f of ['requestedAt', 'requestedBy', 'traceparent'] as const) {
    if (r[f] !== undefined && typeof r[f] !== 'string')
      return { ok: false, error: new ParmanaError('REQ-010', { path: `$.${f}` }) };
  }
  const signals = r.signals;
  if (typeof signals !== 'object' || signals === null || Array.isArray(signals)) {
    return { ok: false, error: new ParmanaError('VAL-003', { path: '$.signals' }) };
  }
  const request = r as unknown as ExecutionRequest;
  const idError = checkIds(request);
  return idError === undefined ? { ok: true, request } : { ok: false, error: idError };
}
