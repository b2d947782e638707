import { codes } from '../CodeEntry.js';

/** Execution request envelopes and records on the wire (REQ-xxx). */
export const REQ_CODES = codes({
  'REQ-001': { message: 'Record could not be decoded (not Avro of a registered schema)', retriable: false },
  'REQ-002': { message: 'executionId is empty', retriable: false },
  'REQ-003': { message: 'executionId is longer than 128 characters', retriable: false },
  'REQ-004': { message: 'executionId contains control characters', retriable: false },
  'REQ-005': { message: 'policyId has an invalid form', retriable: false },
  'REQ-006': { message: 'policyVersion is not a semantic version', retriable: false },
  'REQ-007': { message: 'requestedAt is not an RFC 3339 UTC timestamp', retriable: false },
  'REQ-008': { message: 'Request is larger than the configured limit', retriable: false },
  'REQ-009': { message: 'Unknown field in request', retriable: false },
  'REQ-010': { message: 'Field missing or of the wrong type', retriable: false },
  'REQ-011': { message: 'Record key differs from its executionId', retriable: false },
  'REQ-099': { message: 'Unexpected failure while deciding this request', retriable: false },
});
