import { codes } from '../CodeEntry.js';

/** Signed policy bundles (BND-xxx). `verify bundle` prints one line per problem. */
export const BND_CODES = codes({
  'BND-001': { message: 'Bundle manifest is missing or malformed', retriable: false },
  'BND-002': { message: 'File changed: its SHA-256 differs from the manifest', retriable: false },
  'BND-003': { message: 'File added: not listed in the manifest', retriable: false },
  'BND-004': { message: 'File removed: listed in the manifest but missing', retriable: false },
  'BND-005': { message: 'bundle_hash does not match the manifest', retriable: false },
  'BND-006': { message: 'Manifest signature does not verify', retriable: false },
  'BND-007': { message: 'Manifest signed by a key the trust root does not allow for bundles', retriable: false },
  'BND-008': { message: 'Bundle-signing key expired or revoked', retriable: false },
  'BND-009': {
    message: 'A signed bundle of this version exists with different content: create a new version',
    retriable: false,
  },
  'BND-010': { message: 'Bundle not found', retriable: false },
});
