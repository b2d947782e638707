import type { DecisionRow } from '../../../api/contract.js';

export interface RowMismatch {
  readonly field: string;
  readonly row: string;
  readonly signed: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const show = (v: unknown): string => (v === undefined ? 'missing' : JSON.stringify(v));

/**
 * Fields of the audit row that are copies of the signed payload and differ from it: the row is what the tables and
 * filters show, the payload is what was signed. Empty when they agree (or the payload is not an attestation body).
 */
export function compareWithRow(payload: unknown, row: DecisionRow): RowMismatch[] {
  if (!isRecord(payload)) return [];
  const decision = isRecord(payload.decision) ? payload.decision : {};
  const pairs: [string, unknown, unknown][] = [
    ['executionId', row.executionId, payload.executionId],
    ['policyId', row.policyId, payload.policyId],
    ['policyVersion', row.policyVersion, payload.policyVersion],
    ['action', row.action, decision.action],
    ['requires_override', row.requires_override, decision.requires_override],
    ['ruleId', row.ruleId, decision.ruleId],
    ['execution_state', row.execution_state, payload.execution_state],
    ['executionFingerprint', row.executionFingerprint, payload.execution_fingerprint],
    ['signerKeyId', row.signerKeyId, payload.signerKeyId],
  ];
  const out: RowMismatch[] = pairs
    .filter(([, a, b]) => a !== b)
    .map(([field, a, b]) => ({ field, row: show(a), signed: show(b) }));
  const rowTime = Date.parse(row.requestedAt);
  const signedTime = typeof payload.requestedAt === 'string' ? Date.parse(payload.requestedAt) : NaN;
  if (rowTime !== signedTime) {
    out.push({ field: 'requestedAt', row: show(row.requestedAt), signed: show(payload.requestedAt) });
  }
  return out;
}
