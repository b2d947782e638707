import type { Pool } from 'pg';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import { subtreeKey, type SubtreeRef } from '../../core/log/SubtreeRef.js';
import { isConnectionError } from '../audit/isConnectionError.js';
import type { LogEntryKind, LogMonitorReport } from '../contract.js';
import type { LogReader, StoredCheckpoint, StoredLogEntry } from '../ports.js';

interface EntryDb {
  leaf_index: string;
  kind: LogEntryKind;
  execution_id: string;
  leaf_hash: Buffer;
  entry: Buffer;
  appended_at: Date;
}

interface CheckpointDb {
  tree_size: string;
  root_hash: Buffer;
  note: string;
  signer_key_id: string;
  signed_at: Date;
}

interface ReportDb {
  monitor: string;
  status: 'ok' | 'inconsistent';
  tree_size: string;
  root_hash: Buffer;
  code: string | null;
  detail: unknown;
  checked_at: Date;
}

const ENTRY_COLUMNS = 'leaf_index, kind, execution_id, leaf_hash, entry, appended_at';
const CHECKPOINT_COLUMNS = 'tree_size, root_hash, note, signer_key_id, signed_at';

function toEntry(r: EntryDb): StoredLogEntry {
  return {
    leafIndex: Number(r.leaf_index),
    kind: r.kind,
    executionId: r.execution_id,
    leafHash: r.leaf_hash,
    entry: r.entry,
    appendedAt: r.appended_at.toISOString(),
  };
}

function toCheckpoint(r: CheckpointDb): StoredCheckpoint {
  return {
    treeSize: Number(r.tree_size),
    rootHash: r.root_hash,
    note: r.note,
    signerKeyId: r.signer_key_id,
    signedAt: r.signed_at.toISOString(),
  };
}

/**
 * The transparency log's tables, read side. Every query is a primary-key or index lookup: an inclusion or
 * consistency proof is one query for O(log n) stored subtrees plus one for the checkpoint.
 */
export class PgLogStore implements LogReader {
  constructor(private readonly pool: Pool) {}

  latestCheckpoint(): Promise<StoredCheckpoint | null> {
    return this.oneCheckpoint(`SELECT ${CHECKPOINT_COLUMNS} FROM log_checkpoints ORDER BY tree_size DESC LIMIT 1`, []);
  }

  checkpointAt(treeSize: number): Promise<StoredCheckpoint | null> {
    return this.oneCheckpoint(`SELECT ${CHECKPOINT_COLUMNS} FROM log_checkpoints WHERE tree_size = $1`, [treeSize]);
  }

  size(): Promise<number> {
    return this.guard(async () => {
      const { rows } = await this.pool.query<{ n: string | null }>('SELECT max(leaf_index) + 1 AS n FROM log_entries');
      return Number(rows[0]?.n ?? 0);
    });
  }

  entry(index: number): Promise<StoredLogEntry | null> {
    return this.oneEntry(`SELECT ${ENTRY_COLUMNS} FROM log_entries WHERE leaf_index = $1`, [index]);
  }

  entryOf(executionId: string, kind?: LogEntryKind): Promise<StoredLogEntry | null> {
    return kind === undefined
      ? this.oneEntry(`SELECT ${ENTRY_COLUMNS} FROM log_entries WHERE execution_id = $1 ORDER BY leaf_index LIMIT 1`, [
          executionId,
        ])
      : this.oneEntry(
          `SELECT ${ENTRY_COLUMNS} FROM log_entries WHERE execution_id = $1 AND kind = $2 ORDER BY leaf_index LIMIT 1`,
          [executionId, kind],
        );
  }

  entries(from: number, count: number): Promise<StoredLogEntry[]> {
    return this.guard(async () => {
      const { rows } = await this.pool.query<EntryDb>(
        `SELECT ${ENTRY_COLUMNS} FROM log_entries WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY leaf_index`,
        [from, from + count],
      );
      return rows.map(toEntry);
    });
  }

  subtrees(refs: readonly SubtreeRef[]): Promise<Map<string, Buffer>> {
    return this.guard(async () => {
      if (refs.length === 0) return new Map<string, Buffer>();
      const { rows } = await this.pool.query<{ level: number; node_index: string; hash: Buffer }>(
        `SELECT n.level, n.node_index, n.hash FROM log_nodes n
         JOIN unnest($1::smallint[], $2::bigint[]) AS k(level, node_index)
           ON n.level = k.level AND n.node_index = k.node_index`,
        [refs.map((r) => r.level), refs.map((r) => r.index)],
      );
      return new Map(rows.map((r) => [subtreeKey({ level: r.level, index: Number(r.node_index) }), r.hash]));
    });
  }

  monitorReports(limit: number): Promise<LogMonitorReport[]> {
    return this.guard(async () => {
      const { rows } = await this.pool.query<ReportDb>(
        `SELECT monitor, status, tree_size, root_hash, code, detail, checked_at FROM log_monitor_reports
         ORDER BY checked_at DESC LIMIT $1`,
        [limit],
      );
      return rows.map((r) => ({
        monitor: r.monitor,
        status: r.status,
        treeSize: Number(r.tree_size),
        rootHash: r.root_hash.toString('base64'),
        code: r.code,
        detail: r.detail,
        checkedAt: r.checked_at.toISOString(),
      }));
    });
  }

  private oneEntry(sql: string, params: unknown[]): Promise<StoredLogEntry | null> {
    return this.guard(async () => {
      const row = (await this.pool.query<EntryDb>(sql, params)).rows[0];
      return row === undefined ? null : toEntry(row);
    });
  }

  private oneCheckpoint(sql: string, params: unknown[]): Promise<StoredCheckpoint | null> {
    return this.guard(async () => {
      const row = (await this.pool.query<CheckpointDb>(sql, params)).rows[0];
      return row === undefined ? null : toCheckpoint(row);
    });
  }

  /** An unreachable database is API-009 (503), like the audit store. */
  private async guard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof ParmanaError || !isConnectionError(err)) throw err;
      throw new ParmanaError('API-009', { cause: err });
    }
  }
}
