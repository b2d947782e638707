import { codes } from '../CodeEntry.js';

/** Policy compiler (POL-xxx). */
export const POL_CODES = codes({});
