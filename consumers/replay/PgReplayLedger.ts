import type pg from 'pg';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import type { LedgerItem, LedgerVerdict, ReplayLedger } from './ReplayLedger.js';

// One statement, one round trip, one commit for a whole batch. The outer SELECT reads the snapshot taken before
// the INSERT, so a row it finds existed before this statement (a claim made earlier) and a row the INSERT returns
// is new. An id that is in neither was inserted concurrently by another transaction (the unique index made the
// INSERT wait for it and then skip): the batch is retried and then sees that row.
const CLAIM = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS t(execution_id, fingerprint, claim)
), inserted AS (
  INSERT INTO replay_ledger (execution_id, fingerprint, claim)
  SELECT execution_id, decode(fingerprint, 'hex'), claim FROM input
  ON CONFLICT (execution_id) DO NOTHING
  RETURNING execution_id
)
SELECT i.execution_id, ins.execution_id IS NOT NULL AS inserted, l.claim, encode(l.fingerprint, 'hex') AS fingerprint
FROM input i
LEFT JOIN inserted ins ON ins.execution_id = i.execution_id
LEFT JOIN replay_ledger l ON l.execution_id = i.execution_id`;

interface Row {
  execution_id: string;
  inserted: boolean;
  claim: string | null;
  fingerprint: string | null;
}

/** Connection-level failures: the ledger is unreachable, which the worker waits out (fail closed). */
function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^(08|57P|53)/.test(code)) return true;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT') return true;
  const message = err instanceof Error ? err.message : String(err);
  return /Connection terminated|connect ECONNREFUSED|timeout|Client has encountered a connection error/i.test(message);
}

/** The replay ledger in Postgres (table replay_ledger, migration 007). */
export class PgReplayLedger implements ReplayLedger {
  constructor(private readonly pool: pg.Pool) {}

  async claim(items: readonly LedgerItem[]): Promise<LedgerVerdict[]> {
    if (items.length === 0) return [];
    // The decider never sends one id twice in a batch (Redis reserves it once); deduplicated anyway, as the INSERT
    // would count a second copy as taken by the first.
    const unique = new Map<string, LedgerItem>();
    for (const item of items) if (!unique.has(item.executionId)) unique.set(item.executionId, item);
    const list = [...unique.values()];
    let rows: Row[];
    try {
      const result = await this.pool.query<Row>(CLAIM, [
        list.map((i) => i.executionId),
        list.map((i) => i.fingerprint),
        list.map((i) => i.claim),
      ]);
      rows = result.rows;
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : String(cause);
      // Unreachable: retriable. Anything else (bad fingerprint, missing table) is a bug or a broken deploy, but
      // still nothing may be signed, so it is retried too and logged by the worker's fail-closed loop.
      throw new ParmanaError(isUnavailable(cause) ? 'INV-023' : 'INV-025', { cause, detail });
    }
    const byId = new Map(rows.map((r) => [r.execution_id, r]));
    return items.map((item) => {
      const row = byId.get(item.executionId);
      if (row === undefined) throw new ParmanaError('INV-025', { detail: `no ledger row for ${item.executionId}` });
      if (row.inserted || row.claim === item.claim) return { result: 'claimed' };
      if (row.claim === null) {
        throw new ParmanaError('INV-024', { path: '$.executionId', detail: item.executionId });
      }
      return { result: 'taken', fingerprint: row.fingerprint ?? '', claim: row.claim };
    });
  }
}
