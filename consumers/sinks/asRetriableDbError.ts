// Connection-level failures (server down, restarting, network) are waited out; anything else is a bug or bad data.
const RETRIABLE_PG = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300']);

class RetriableDbError extends Error {
  readonly retriable = true;
}

/** Marks Postgres connection losses retriable (the sink waits, commits nothing) and leaves other errors as they are. */
export function asRetriableDbError(err: unknown): unknown {
  const code = (err as { code?: string } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (
    (code !== undefined && (RETRIABLE_PG.has(code) || code === 'ECONNREFUSED' || code === 'ECONNRESET')) ||
    /Connection terminated|connect ECONNREFUSED|timeout/i.test(message)
  ) {
    return new RetriableDbError(message, { cause: err });
  }
  return err;
}
