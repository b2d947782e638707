import { codes } from '../CodeEntry.js';

/** Trust root and keys (TRU-xxx). */
export const TRU_CODES = codes({
  'TRU-001': { message: 'Trust root is malformed', retriable: false },
  'TRU-002': { message: 'Trust root signature does not verify against root.pub', retriable: false },
  'TRU-003': { message: 'keyId does not match the SHA-256 of the public key', retriable: false },
  'TRU-004': { message: 'Key is not in the trust root', retriable: false },
  'TRU-005': { message: 'Key is not trusted for this purpose', retriable: false },
  'TRU-006': { message: 'Key was not yet valid at that time', retriable: false },
  'TRU-007': { message: 'Key had expired at that time', retriable: false },
  'TRU-008': { message: 'Key was revoked at or before that time', retriable: false },
  'TRU-009': { message: 'Key file is missing or unreadable', retriable: false },
  'TRU-010': { message: 'Key is malformed or not Ed25519', retriable: false },
});
