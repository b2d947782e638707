import { ParmanaError } from '../../core/errors/ParmanaError.js';

// Connection-level failures (server down, restarting, out of connections, network) are waited out; anything else is
// a bug or bad data. One rule for every consumer that writes Postgres (the sinks, the log writer, the worker's replay
// ledger).
const UNAVAILABLE_SQLSTATE = /^(08|53|57P)/;
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT']);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connect ECONNREFUSED|timeout|Client has encountered a connection error/i;
// invalid_password, invalid_authorization_specification: the role's credentials; insufficient_privilege: its grants.
const REFUSED_LOGIN = new Set(['28P01', '28000']);
const DENIED = '42501';

class RetriableDbError extends Error {
  readonly retriable = true;
}

const sqlstate = (err: unknown): unknown => (err as { code?: unknown } | null)?.code;

/** True when Postgres could not be reached or dropped the connection (as opposed to refusing the statement). */
export function isDbUnavailable(err: unknown): boolean {
  const code = sqlstate(err);
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code))) return true;
  return UNAVAILABLE_MESSAGE.test(err instanceof Error ? err.message : String(err));
}

/**
 * Names what Postgres refused: the role's login (CRD-004) or a statement its grants do not allow (CRD-005), neither
 * retriable (waiting does not fix a password or a grant); other errors are returned as they are.
 */
export function asDbRefusal(err: unknown): unknown {
  const code = sqlstate(err);
  const detail = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string' && REFUSED_LOGIN.has(code)) return new ParmanaError('CRD-004', { cause: err, detail });
  if (code === DENIED) return new ParmanaError('CRD-005', { cause: err, detail });
  return err;
}

/**
 * Marks Postgres connection losses retriable (the sink waits, commits nothing), names refusals (CRD-004/CRD-005) and
 * leaves other errors as they are.
 */
export function asRetriableDbError(err: unknown): unknown {
  if (!isDbUnavailable(err)) return asDbRefusal(err);
  return new RetriableDbError(err instanceof Error ? err.message : String(err), { cause: err });
}
