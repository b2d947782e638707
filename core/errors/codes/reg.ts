import { codes } from '../CodeEntry.js';

/** The schema registry (REG-xxx), as the producer SDK, the API, the worker and the sinks meet it. */
export const REG_CODES = codes({
  'REG-001': {
    message: 'Schema registry unavailable (unreachable or answering 5xx) after bounded retries',
    retriable: true,
  },
  'REG-002': { message: 'Schema registry refused the request', retriable: false },
});
