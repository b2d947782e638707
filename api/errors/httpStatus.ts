// The one place where error codes become HTTP statuses.

const API_STATUS: Readonly<Record<string, number>> = {
  'API-001': 401,
  'API-002': 403,
  'API-003': 429,
  'API-004': 413,
  'API-005': 400,
  'API-006': 400,
  'API-007': 504,
  'API-008': 404,
  'API-009': 503,
  'API-010': 503,
  'API-011': 400,
  'API-012': 415,
  'API-013': 404,
  'API-099': 500,
  'REQ-008': 413,
  'INV-017': 409,
  'INV-018': 404,
  'INV-019': 400,
  'LOG-006': 400,
  'LOG-007': 400,
  'LOG-009': 400,
  'LOG-010': 404,
  'LOG-012': 404,
};

/**
 * HTTP status of a coded error. Request-shape problems found at the edge (REQ, CAN) are the caller's: 400. What the
 * worker refused after reading the policy (VAL, POL, BND, INV-013 replay, ...) is 422.
 */
export function httpStatus(code: string): number {
  const fixed = API_STATUS[code];
  if (fixed !== undefined) return fixed;
  if (code.startsWith('REQ-') || code.startsWith('CAN-')) return 400;
  if (/^(VAL|POL|BND|INV|ATT|TRU)-/.test(code)) return 422;
  return 500;
}
