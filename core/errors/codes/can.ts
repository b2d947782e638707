import { codes } from '../CodeEntry.js';

/** Canonical JSON (CAN-xxx): input RFC 8785 cannot represent. */
export const CAN_CODES = codes({
  'CAN-001': { message: 'Number is not finite (NaN or Infinity cannot be canonicalized)', retriable: false },
  'CAN-002': { message: 'String contains a lone UTF-16 surrogate', retriable: false },
  'CAN-003': { message: 'Duplicate key in JSON object', retriable: false },
  'CAN-004': { message: 'Malformed JSON text', retriable: false },
  'CAN-005': {
    message: 'Value is not representable in JSON (undefined, function, symbol, bigint or non-plain object)',
    retriable: false,
  },
  'CAN-006': { message: 'JSON nesting is too deep', retriable: false },
});
