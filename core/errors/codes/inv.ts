import { codes } from '../CodeEntry.js';

/** Replay invariants (INV-xxx). */
export const INV_CODES = codes({});
