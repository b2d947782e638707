import pg from 'pg';
import { PgLogStore } from '../../api/log/PgLogStore.js';
import { consistencyProof, inclusionProof } from '../../api/log/logProofs.js';
import { CompactRange } from '../../core/log/CompactRange.js';
import { leafHash } from '../../core/log/merkleHashes.js';
import { percentile } from './stats.js';

export interface TransparencyLogFigures {
  readonly entries: number;
  /** Entries per second between the first and last append (log_entries.appended_at). */
  readonly writerEntriesPerSecond: number;
  readonly inclusion: { readonly p50Ms: number; readonly p99Ms: number; readonly samples: number };
  readonly consistency: { readonly p50Ms: number; readonly p99Ms: number; readonly samples: number };
}

// Deterministic sample positions, so two runs ask for the same proofs.
function positions(n: number, max: number, seed: number): number[] {
  let a = seed >>> 0;
  return Array.from({ length: n }, () => {
    a = (Math.imul(a, 1_664_525) + 1_013_904_223) >>> 0;
    return a % max;
  });
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/**
 * Figures of a populated log: writer throughput from the append timestamps, and latency of inclusion and
 * consistency proofs (served as GET /log/proof/* serves them, from the store) over `samples` random proofs each.
 */
export async function measureTransparencyLog(databaseUrl: string, samples = 1000): Promise<TransparencyLogFigures> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  pool.on('error', () => undefined);
  try {
    const span = (
      await pool.query<{ n: string; first: Date | null; last: Date | null }>(
        'SELECT count(*) AS n, min(appended_at) AS first, max(appended_at) AS last FROM log_entries',
      )
    ).rows[0];
    const entries = Number(span?.n ?? 0);
    const seconds = span?.first && span.last ? (span.last.getTime() - span.first.getTime()) / 1000 : 0;
    const store = new PgLogStore(pool);
    const size = await store.size();
    const inc: number[] = [];
    const cons: number[] = [];
    if (size > 1) {
      for (const index of positions(samples, size, 14)) {
        inc.push(await timed(() => inclusionProof(store, { index, treeSize: size })));
      }
      for (const from of positions(samples, size - 1, 9162)) {
        cons.push(await timed(() => consistencyProof(store, from + 1, size)));
      }
    }
    inc.sort((x, y) => x - y);
    cons.sort((x, y) => x - y);
    return {
      entries,
      writerEntriesPerSecond: seconds > 0 ? entries / seconds : 0,
      inclusion: { p50Ms: percentile(inc, 50), p99Ms: percentile(inc, 99), samples: inc.length },
      consistency: { p50Ms: percentile(cons, 50), p99Ms: percentile(cons, 99), samples: cons.length },
    };
  } finally {
    await pool.end();
  }
}

/** Hashing and appending in memory only (no Postgres): the writer's CPU ceiling per core. */
export function hashAndAppendRate(count: number, entryBytes = 900): { entriesPerSecond: number; root: string } {
  const range = new CompactRange();
  const entry = Buffer.alloc(entryBytes, 0x61);
  const t = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    entry.writeUInt32BE(i, 0);
    range.append(leafHash(entry));
  }
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  return { entriesPerSecond: count / seconds, root: range.root().toString('hex') };
}
