import { codes } from '../CodeEntry.js';

/** Signal validation (VAL-xxx). */
export const VAL_CODES = codes({});
