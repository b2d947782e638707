import type pg from 'pg';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import { isDbUnavailable } from '../db/asRetriableDbError.js';
import type { LedgerItem, LedgerVerdict, ReplayLedger } from './ReplayLedger.js';

// The common case is one statement, one round trip, one commit for a whole batch: every id is new and the INSERT
// returns it. Ids it does not return were claimed before (a replay Redis forgot, a record re-run after a crash): only
// for those a second statement reads who claimed them. An INSERT that meets a concurrent uncommitted claim of the
// same id waits for it, so the second statement (a new snapshot) sees that claim.
const INSERT = `
INSERT INTO replay_ledger (execution_id, fingerprint, claim)
SELECT execution_id, decode(fingerprint, 'hex'), claim
FROM unnest($1::text[], $2::text[], $3::text[]) AS t(execution_id, fingerprint, claim)
ON CONFLICT (execution_id) DO NOTHING
RETURNING execution_id`;

const EXISTING = `
SELECT execution_id, claim, encode(fingerprint, 'hex') AS fingerprint FROM replay_ledger
WHERE execution_id = ANY($1::text[])`;

interface Owner {
  readonly claim: string;
  readonly fingerprint: string;
}

/** The replay ledger in Postgres (table replay_ledger, migration 007). */
export class PgReplayLedger implements ReplayLedger {
  constructor(private readonly pool: pg.Pool) {}

  async claim(items: readonly LedgerItem[]): Promise<LedgerVerdict[]> {
    if (items.length === 0) return [];
    // One row per id: the first item of an id claims it (the decider never sends an id twice in a batch).
    const first = new Map<string, LedgerItem>();
    for (const item of items) if (!first.has(item.executionId)) first.set(item.executionId, item);
    const list = [...first.values()];
    const owners = new Map<string, Owner>();
    try {
      const inserted = await this.pool.query<{ execution_id: string }>(INSERT, [
        list.map((i) => i.executionId),
        list.map((i) => i.fingerprint),
        list.map((i) => i.claim),
      ]);
      for (const r of inserted.rows) {
        const item = first.get(r.execution_id);
        if (item !== undefined) owners.set(r.execution_id, item);
      }
      const rest = list.filter((i) => !owners.has(i.executionId)).map((i) => i.executionId);
      if (rest.length > 0) {
        const existing = await this.pool.query<{ execution_id: string; claim: string; fingerprint: string }>(EXISTING, [
          rest,
        ]);
        for (const r of existing.rows) owners.set(r.execution_id, { claim: r.claim, fingerprint: r.fingerprint });
      }
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : String(cause);
      // Unreachable: retriable. Anything else (bad fingerprint, missing table) is a bug or a broken deploy, but
      // still nothing may be signed, so it is retried too and logged by the worker's fail-closed loop.
      throw new ParmanaError(isDbUnavailable(cause) ? 'INV-023' : 'INV-025', { cause, detail });
    }
    return items.map((item) => {
      const owner = owners.get(item.executionId);
      // Neither inserted nor found: a claim that vanished (cannot happen with the append-only table); retried.
      if (owner === undefined) throw new ParmanaError('INV-024', { path: '$.executionId', detail: item.executionId });
      if (owner.claim === item.claim) return { result: 'claimed' };
      return { result: 'taken', fingerprint: owner.fingerprint, claim: owner.claim };
    });
  }
}
