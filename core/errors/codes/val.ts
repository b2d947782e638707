import { codes } from '../CodeEntry.js';

/** Signal validation against a policy's signalsSchema (VAL-xxx), numbered like the reference (VAL-003..VAL-012). */
export const VAL_CODES = codes({
  'VAL-003': { message: 'Signals must be a JSON object', retriable: false },
  'VAL-004': { message: 'Undeclared signal', retriable: false },
  'VAL-005': { message: 'Missing required signal', retriable: false },
  'VAL-006': { message: 'Signal has the wrong type', retriable: false },
  'VAL-007': { message: 'Integer signal is not a safe integer (beyond 2^53 or fractional)', retriable: false },
  'VAL-008': { message: 'Number signal is not finite', retriable: false },
  'VAL-009': { message: 'Value is not one of the enum values', retriable: false },
  'VAL-010': { message: 'Value is out of the declared range', retriable: false },
  'VAL-011': { message: 'String is longer than the declared maximum', retriable: false },
  'VAL-012': { message: 'String contains a lone surrogate', retriable: false },
});
