/** Node socket errors: the database could not be reached or the connection broke. */
const SOCKET_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs outside class 08 that still mean "the server is not serving us now": shutting down (57P01 admin, 57P02
 * crash), starting up or in recovery (57P03), out of connection slots (53300), and statement timeouts (57014).
 */
const SERVER_UNAVAILABLE: ReadonlySet<string> = new Set(['57P01', '57P02', '57P03', '53300', '57014']);

/** pg and pg-pool raise these as plain Errors without a code. */
const DRIVER_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Query read timeout/,
  /^Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
];

function own(value: object, key: string): unknown {
  return (value as Record<string, unknown>)[key];
}

/**
 * True when `err` says the audit database is unreachable or dropped the connection (a 503, retry later), false for
 * everything else: SQL errors such as a syntax error or a missing column are bugs and must not masquerade as an
 * outage. Looks through `cause` and AggregateError members (Node's happy-eyeballs connect reports one per address).
 */
export function isConnectionError(err: unknown): boolean {
  return check(err, 0);
}

// The depth bound keeps a cyclic cause chain from recursing forever.
function check(err: unknown, depth: number): boolean {
  if (typeof err !== 'object' || err === null || depth > 4) return false;
  const code = own(err, 'code');
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code) || SERVER_UNAVAILABLE.has(code)) return true;
    if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  const message = own(err, 'message');
  if (typeof message === 'string' && DRIVER_MESSAGES.some((m) => m.test(message))) return true;
  const errors = own(err, 'errors');
  if (Array.isArray(errors) && errors.some((e) => check(e, depth + 1))) return true;
  return check(own(err, 'cause'), depth + 1);
}
