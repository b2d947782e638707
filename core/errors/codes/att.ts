import { codes } from '../CodeEntry.js';

/** Attestation verification (ATT-xxx): each failed check is reported with its own code. */
export const ATT_CODES = codes({
  'ATT-001': { message: 'Not a DSSE envelope with one signature', retriable: false },
  'ATT-002': { message: 'Unsupported payload type', retriable: false },
  'ATT-003': { message: 'Payload is not a canonical attestation body', retriable: false },
  'ATT-004': { message: 'Unsupported attestation version', retriable: false },
  'ATT-005': { message: 'Signature does not verify', retriable: false },
  'ATT-006': { message: 'Signer key is unknown to the trust root', retriable: false },
  'ATT-007': { message: 'Signer key is not trusted for attestations', retriable: false },
  'ATT-008': { message: 'Signer key was not valid at requestedAt', retriable: false },
  'ATT-009': { message: 'Signer key was revoked at or before requestedAt', retriable: false },
  'ATT-010': { message: 'Fingerprint does not match the supplied signals', retriable: false },
  'ATT-011': { message: 'Envelope key id differs from the body signerKeyId', retriable: false },
});
