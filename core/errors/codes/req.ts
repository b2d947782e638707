import { codes } from '../CodeEntry.js';

/** Execution request envelope (REQ-xxx). */
export const REQ_CODES = codes({});
