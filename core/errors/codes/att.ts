import { codes } from '../CodeEntry.js';

/** Attestations (ATT-xxx). */
export const ATT_CODES = codes({});
