import { sha256Hex } from '../../core/hash/sha256.js';
import type { OutcomeCheck, SignedOutcome } from '../verify/verifyOutcome.js';
import type { Row } from './Projection.js';

/**
 * The critical signature_failure event (audit_security_events row, SECURITY_EVENT_COLUMNS) of an outcome that did
 * not verify. Its id hashes the signed content, not the offset: a redelivered record yields the same event.
 */
export function signatureFailureRow(
  projection: string,
  outcome: Pick<SignedOutcome, 'executionId' | 'payload' | 'signature' | 'signerKeyId'>,
  check: OutcomeCheck,
  detail: object,
  at: string,
): Row {
  return [
    sha256Hex(`signature_failure:${sha256Hex(outcome.payload)}:${outcome.signature}:${outcome.signerKeyId}`),
    'signature_failure',
    'critical',
    outcome.executionId,
    `sink:${projection}`,
    check.problems[0] ?? 'ATT-005',
    JSON.stringify({ problems: check.problems, ...detail }),
    at,
  ];
}
