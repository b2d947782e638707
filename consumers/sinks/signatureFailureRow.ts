import { signatureFailureEventId } from '../verify/signatureFailureEventId.js';
import type { SignedOutcome } from '../verify/verifyOutcome.js';
import type { Row } from './Projection.js';

/**
 * The critical signature_failure event (audit_security_events row, SECURITY_EVENT_COLUMNS) a projection records for
 * an outcome that did not verify, with the code of its first failed check.
 */
export function signatureFailureRow(
  projection: string,
  outcome: Pick<SignedOutcome, 'executionId' | 'payload' | 'signature' | 'signerKeyId'>,
  code: string,
  detail: object,
  at: string,
): Row {
  return [
    signatureFailureEventId(outcome),
    'signature_failure',
    'critical',
    outcome.executionId,
    `sink:${projection}`,
    code,
    JSON.stringify(detail),
    at,
  ];
}
