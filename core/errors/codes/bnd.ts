import { codes } from '../CodeEntry.js';

/** Policy bundles (BND-xxx). */
export const BND_CODES = codes({});
