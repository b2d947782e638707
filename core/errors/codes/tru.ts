import { codes } from '../CodeEntry.js';

/** Trust root and keys (TRU-xxx). */
export const TRU_CODES = codes({});
