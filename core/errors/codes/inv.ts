import { codes } from '../CodeEntry.js';

/** Replay invariants (INV-xxx). The replay rules and stores own INV-001..INV-019; worker-side store faults INV-02x. */
export const INV_CODES = codes({
  'INV-013': {
    message: 'Replay: this executionId was already consumed by another request',
    retriable: false,
  },
  'INV-014': { message: 'Replay transition refused: the entry is held by another source record', retriable: false },
  'INV-015': { message: 'Replay transition refused: not allowed from the current state', retriable: false },
  'INV-016': { message: 'Replay transition refused: no entry for this executionId', retriable: false },
  'INV-017': { message: 'Override refused: this execution was already resolved', retriable: false },
  'INV-018': { message: 'Override refused: nothing is pending for this executionId', retriable: false },
  'INV-019': { message: 'Override command is malformed', retriable: false },
  'INV-020': { message: 'Replay store (Redis) unavailable: nothing is signed until it is back', retriable: true },
  'INV-021': { message: 'Replay store returned an unexpected reply', retriable: true },
  'INV-022': { message: 'Replay store refused a transition the worker expected to be legal', retriable: false },
  'INV-023': {
    message: 'Replay ledger (Postgres) unavailable: nothing is signed for ids Redis does not hold until it is back',
    retriable: true,
  },
  'INV-024': {
    message:
      'Replay ledger: a claim was neither made nor found (cannot happen on an append-only table); the batch is retried',
    retriable: true,
  },
  'INV-025': { message: 'Replay ledger refused or garbled a claim; nothing is signed', retriable: true },
});
