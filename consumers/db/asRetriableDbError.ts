// Connection-level failures (server down, restarting, out of connections, network) are waited out; anything else is
// a bug or bad data. One rule for every consumer that writes Postgres (the sinks, the worker's replay ledger).
const UNAVAILABLE_SQLSTATE = /^(08|53|57P)/;
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT']);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connect ECONNREFUSED|timeout|Client has encountered a connection error/i;

class RetriableDbError extends Error {
  readonly retriable = true;
}

/** True when Postgres could not be reached or dropped the connection (as opposed to refusing the statement). */
export function isDbUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code))) return true;
  return UNAVAILABLE_MESSAGE.test(err instanceof Error ? err.message : String(err));
}

/** Marks Postgres connection losses retriable (the sink waits, commits nothing) and leaves other errors as they are. */
export function asRetriableDbError(err: unknown): unknown {
  if (!isDbUnavailable(err)) return err;
  return new RetriableDbError(err instanceof Error ? err.message : String(err), { cause: err });
}
