import { codes } from '../CodeEntry.js';

/** The HTTP API (API-xxx). Their HTTP statuses are mapped in api/errors/httpStatus.ts, nowhere else. */
export const API_CODES = codes({
  'API-001': { message: 'Missing or invalid API key', retriable: false },
  'API-002': { message: 'This API key lacks the role this route requires', retriable: false },
  'API-003': { message: 'Rate limit exceeded for this API key', retriable: true },
  'API-004': { message: 'Request body is larger than the limit', retriable: false },
  'API-005': { message: 'Request body is not valid JSON', retriable: false },
  'API-006': { message: 'Request does not match the route schema', retriable: false },
  'API-007': {
    message: 'No outcome within the timeout; the request still completes, poll GET /executions/:id',
    retriable: true,
  },
  'API-008': { message: 'Not found', retriable: false },
  'API-009': { message: 'Audit database unavailable', retriable: true },
  'API-010': { message: 'Kafka unavailable: the request was not accepted', retriable: true },
  'API-011': { message: 'Invalid query filter', retriable: false },
  'API-012': { message: 'Unsupported media type: send application/json', retriable: false },
  'API-013': { message: 'Test hooks are disabled on this server', retriable: false },
  'API-099': { message: 'Internal error', retriable: true },
});
