import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { PgReplayLedger } from '../../consumers/replay/PgReplayLedger.js';
import { migrate } from '../db/migrate.js';
import { postgresSeconds } from './CostMeter.js';

export interface LedgerBatchFigures {
  readonly batch: number;
  readonly ids: number;
  /** Wall time of one claim statement (a batch), median. */
  readonly statementMsP50: number;
  readonly statementMsP99: number;
  /** Wall time per id over the whole run. */
  readonly usPerId: number;
  /** Postgres CPU per id (all backends and background processes of the server). */
  readonly postgresCpuUsPerId: number;
}

export interface LedgerFigures {
  readonly claims: readonly LedgerBatchFigures[];
  /** Re-claiming ids that are already there (the path of a replay Redis forgot), batch 100. */
  readonly taken: LedgerBatchFigures;
  readonly rows: number;
  readonly tableBytesPerId: number;
  readonly indexBytesPerId: number;
}

const FINGERPRINT = 'f'.repeat(64);

async function claimAll(
  ledger: PgReplayLedger,
  ids: readonly string[],
  batch: number,
  claimOf: (i: number) => string,
): Promise<LedgerBatchFigures> {
  const times: number[] = [];
  const cpu0 = postgresSeconds();
  const t0 = performance.now();
  for (let i = 0; i < ids.length; i += batch) {
    const items = ids.slice(i, i + batch).map((executionId, k) => ({
      executionId,
      fingerprint: FINGERPRINT,
      claim: claimOf(i + k),
    }));
    const t = performance.now();
    await ledger.claim(items);
    times.push(performance.now() - t);
  }
  const wall = performance.now() - t0;
  const cpu = (postgresSeconds() - cpu0) * 1000;
  times.sort((a, b) => a - b);
  return {
    batch,
    ids: ids.length,
    statementMsP50: times[Math.floor(times.length / 2)] ?? 0,
    statementMsP99: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))] ?? 0,
    usPerId: (wall * 1000) / ids.length,
    postgresCpuUsPerId: (cpu * 1000) / ids.length,
  };
}

/**
 * The replay ledger alone, on a database of its own: claim statements of 1, 10, 100 and 500 new ids (the worker
 * sends one per batch), re-claims of existing ids, and the bytes each id costs on disk (heap and primary key).
 */
export async function replayLedgerBenchmark(
  root: string,
  databaseUrl: string,
  idsPerBatchSize: number,
): Promise<LedgerFigures> {
  const name = `parmana_bench_ledger_${randomBytes(4).toString('hex')}`;
  const adminUrl = new URL(databaseUrl);
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  try {
    await migrate(url.toString(), join(root, 'ops/migrations'));
    const ledger = new PgReplayLedger(pool);
    const claims: LedgerBatchFigures[] = [];
    let all: string[] = [];
    for (const batch of [1, 10, 100, 500]) {
      // Fewer single-id statements: each is a commit (an fsync), which is the figure being shown.
      const n = batch === 1 ? Math.min(idsPerBatchSize, 5_000) : idsPerBatchSize;
      // Typical ids: a UUID with a short prefix (40 bytes).
      const ids = Array.from({ length: n }, () => `bench-${crypto.randomUUID()}`);
      claims.push(await claimAll(ledger, ids, batch, (i) => `parmana.requests:${i % 12}:${i}@1767225600000`));
      all = all.concat(ids);
    }
    const again = all.slice(0, Math.min(all.length, 50_000));
    const taken = await claimAll(ledger, again, 100, (i) => `parmana.requests:0:${i}@1`);
    await pool.query('VACUUM ANALYZE replay_ledger');
    const size = (
      await pool.query<{ rows: string; heap: string; index: string }>(
        `SELECT (SELECT count(*) FROM replay_ledger) AS rows,
                pg_table_size('replay_ledger') AS heap, pg_indexes_size('replay_ledger') AS index`,
      )
    ).rows[0];
    const rows = Number(size?.rows ?? 0);
    return {
      claims,
      taken,
      rows,
      tableBytesPerId: rows > 0 ? Number(size?.heap ?? 0) / rows : 0,
      indexBytesPerId: rows > 0 ? Number(size?.index ?? 0) / rows : 0,
    };
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
