import { codes } from '../CodeEntry.js';

/** Policy files and the compiler (POL-xxx). Each diagnostic carries the JSON path of the offending part. */
export const POL_CODES = codes({
  'POL-001': { message: 'Policy is not a JSON object', retriable: false },
  'POL-002': { message: 'Unknown field in policy', retriable: false },
  'POL-003': { message: 'Required field missing or of the wrong type', retriable: false },
  'POL-004': { message: 'policyId does not match its folder or has an invalid form', retriable: false },
  'POL-005': { message: 'policyVersion is not a semantic version (or does not match its folder)', retriable: false },
  'POL-006': { message: 'Unsupported schemaVersion', retriable: false },
  'POL-007': { message: 'Invalid signal declaration', retriable: false },
  'POL-008': { message: 'Enum signal needs a non-empty list of unique string values', retriable: false },
  'POL-010': { message: 'Rules must be a non-empty array', retriable: false },
  'POL-011': { message: 'Duplicate rule id', retriable: false },
  'POL-012': { message: 'Invalid rule outcome', retriable: false },
  'POL-013': { message: 'Invalid rule id', retriable: false },
  'POL-020': { message: 'Condition references an undeclared signal', retriable: false },
  'POL-021': { message: 'Unknown condition operator', retriable: false },
  'POL-022': { message: 'Operator not valid for the signal type', retriable: false },
  'POL-023': { message: 'Literal does not match the signal type', retriable: false },
  'POL-024': { message: 'Value is not among the enum values of the signal', retriable: false },
  'POL-025': { message: 'Malformed condition', retriable: false },
  'POL-030': { message: 'Rule is unreachable after a catch-all rule', retriable: false },
  'POL-031': { message: 'No catch-all rule: some signals may match no rule', retriable: false },
  'POL-040': { message: 'No rule matched the signals', retriable: false },
  'POL-041': { message: 'Policy file could not be read', retriable: false },
  'POL-042': { message: 'Unknown policy or version', retriable: false },
});
