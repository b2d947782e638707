import { codes } from '../CodeEntry.js';

/** The transparency log (LOG-xxx): checkpoints, proofs, the writer, the monitor and re-derivation. */
export const LOG_CODES = codes({
  'LOG-001': { message: 'Checkpoint is not a well-formed signed note', retriable: false },
  'LOG-002': { message: 'Checkpoint origin is not this log', retriable: false },
  'LOG-003': { message: 'Checkpoint has no valid signature by a trusted log-signing key', retriable: false },
  'LOG-004': { message: 'Checkpoint signature by a trusted log key does not verify', retriable: false },
  'LOG-005': { message: 'Inclusion proof does not lead to the checkpoint root', retriable: false },
  'LOG-006': { message: 'Proof is malformed (hash size or number of hashes)', retriable: false },
  'LOG-007': { message: 'Leaf index outside the tree', retriable: false },
  'LOG-008': { message: 'Consistency proof does not lead to both roots', retriable: false },
  'LOG-009': { message: 'Tree sizes out of order or beyond the log', retriable: false },
  'LOG-010': { message: 'No such log entry', retriable: false },
  'LOG-011': { message: 'Log entry is not a canonical signed envelope', retriable: false },
  'LOG-012': { message: 'No checkpoint signed yet', retriable: true },
  'LOG-013': { message: 'Log-signing key missing or not trusted for log signing: nothing is signed', retriable: false },
  'LOG-014': {
    message: 'Stored tree does not reproduce the latest signed checkpoint: the writer stops',
    retriable: false,
  },
  'LOG-015': { message: 'Proof or checkpoint file could not be read', retriable: false },
  'LOG-020': { message: 'Re-derivation: the request of a logged decision is not stored', retriable: false },
  'LOG-021': { message: 'Re-derivation: no verified bundle has the logged bundleHash', retriable: false },
  'LOG-022': { message: 'Re-derivation: the rebuilt attestation body differs from the logged one', retriable: false },
  'LOG-023': { message: 'Re-derivation: the stored request no longer evaluates to a decision', retriable: false },
  'LOG-030': { message: 'Monitor: new checkpoint is not consistent with the last verified one', retriable: false },
  'LOG-031': { message: 'Monitor: stored entries do not hash to the signed root', retriable: false },
});
