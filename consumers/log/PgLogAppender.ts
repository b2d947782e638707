import pg from 'pg';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import { parseCheckpointText } from '../../core/log/Checkpoint.js';
import { CompactRange, type SubtreeHash } from '../../core/log/CompactRange.js';
import { foldSubtrees, mapLookup } from '../../core/log/foldSubtrees.js';
import { leafHash } from '../../core/log/merkleHashes.js';
import { rangeSubtrees } from '../../core/log/rangeSubtrees.js';
import type { SigningPort } from '../../core/crypto/SigningPort.js';
import { signCheckpointAsync } from '../../core/log/signCheckpoint.js';
import { parseSignedNote } from '../../core/log/SignedNote.js';
import { subtreeKey } from '../../core/log/SubtreeRef.js';
import { asDbRefusal } from '../db/asRetriableDbError.js';
import { forgetStagingTables, stagingDone } from '../sinks/stageAndInsert.js';
import type { LogAppendInput } from './LogAppendInput.js';
import type { AppendResult, InTransaction, LogAppender, SignedCheckpointRow } from './LogAppender.js';

// Any constant works; every writer of one database uses the same one. Distinct from the migration lock.
export const LOG_WRITER_LOCK = 7_337_014;

export interface AppenderOptions {
  readonly databaseUrl: string;
  /** Called once if the lock is held by another writer: this one is a standby until that one goes away. */
  readonly onStandby?: () => void;
  /**
   * Called if the connection holding the lock is lost (Postgres restarted or unreachable): the lock went with it,
   * so this writer must stop; a standby (or this process, restarted) takes the lock and reloads the tree.
   */
  readonly onConnectionLost?: (err: Error) => void;
}

/**
 * The log's one writer. It holds a session advisory lock on its own connection for its whole life, so exactly one
 * process assigns indices; a second one waits on the lock as a standby. Each batch is one transaction: skip entries
 * already logged (unique leaf hash), give the rest the next consecutive indices, store their leaves and the complete
 * subtrees they finish. The in-memory edge (CompactRange) is adopted only after COMMIT.
 */
export class PgLogAppender implements LogAppender {
  private queue: Promise<unknown> = Promise.resolve();
  private latest: SignedCheckpointRow | null;

  private constructor(
    private readonly client: pg.Client,
    private range: CompactRange,
    latest: SignedCheckpointRow | null,
  ) {
    this.latest = latest;
  }

  static async open(o: AppenderOptions): Promise<PgLogAppender> {
    const client = new pg.Client({ connectionString: o.databaseUrl });
    client.on('error', (err) => {
      o.onConnectionLost?.(err);
    });
    await client.connect();
    try {
      const got = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LOG_WRITER_LOCK]);
      if (got.rows[0]?.ok !== true) {
        o.onStandby?.();
        await client.query('SELECT pg_advisory_lock($1)', [LOG_WRITER_LOCK]);
      }
      const { range, latest } = await PgLogAppender.load(client);
      return new PgLogAppender(client, range, latest);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
  }

  /** Rebuilds the edge from the stored subtrees and checks it against the latest signed checkpoint (LOG-014). */
  private static async load(client: pg.Client): Promise<{ range: CompactRange; latest: SignedCheckpointRow | null }> {
    const size = Number(
      (await client.query<{ n: string | null }>('SELECT max(leaf_index) + 1 AS n FROM log_entries')).rows[0]?.n ?? 0,
    );
    const count = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM log_entries')).rows[0]?.n ?? 0);
    if (count !== size) throw new ParmanaError('LOG-014', { detail: `${count} entries for indices 0..${size - 1}` });
    const cp = (
      await client.query<{ tree_size: string; root_hash: Buffer; note: string }>(
        'SELECT tree_size, root_hash, note FROM log_checkpoints ORDER BY tree_size DESC LIMIT 1',
      )
    ).rows[0];
    const cpSize = cp === undefined ? 0 : Number(cp.tree_size);
    const refs = [...(size > 0 ? rangeSubtrees(0, size) : []), ...(cpSize > 0 ? rangeSubtrees(0, cpSize) : [])];
    const rows = (
      await client.query<{ level: number; node_index: string; hash: Buffer }>(
        `SELECT n.level, n.node_index, n.hash FROM log_nodes n
         JOIN unnest($1::smallint[], $2::bigint[]) AS k(level, node_index)
           ON n.level = k.level AND n.node_index = k.node_index`,
        [refs.map((r) => r.level), refs.map((r) => r.index)],
      )
    ).rows;
    const nodes = new Map(rows.map((r) => [subtreeKey({ level: r.level, index: Number(r.node_index) }), r.hash]));
    let edge: SubtreeHash[];
    try {
      edge = size === 0 ? [] : rangeSubtrees(0, size).map((ref) => ({ ...ref, hash: mapLookup(nodes)(ref) }));
    } catch (cause) {
      throw new ParmanaError('LOG-014', { cause, detail: 'a stored subtree of the edge is missing' });
    }
    if (cp !== undefined) {
      if (cpSize > size) throw new ParmanaError('LOG-014', { detail: `checkpoint of ${cpSize} > ${size} entries` });
      const signedRoot = parseCheckpointText(parseSignedNote(cp.note).text).rootHash;
      const root = cpSize === 0 ? null : foldSubtrees(rangeSubtrees(0, cpSize), mapLookup(nodes));
      if (root !== null && (!root.equals(cp.root_hash) || !root.equals(signedRoot))) {
        throw new ParmanaError('LOG-014', { detail: `root of ${cpSize} differs from the signed checkpoint` });
      }
    }
    const latest = cp === undefined ? null : { treeSize: cpSize, rootHash: cp.root_hash, note: cp.note };
    return { range: new CompactRange(size, edge), latest };
  }

  get size(): number {
    return this.range.size;
  }

  /** Size of the latest signed checkpoint; -1 before the first (an empty log gets one of size 0). */
  get checkpointedSize(): number {
    return this.latest?.treeSize ?? -1;
  }

  get latestCheckpoint(): SignedCheckpointRow | null {
    return this.latest;
  }

  root(): Buffer {
    return this.range.root();
  }

  /**
   * Appends a batch in one transaction; duplicates (already logged, or twice in the batch) keep their first index.
   * `alsoWrite` runs in the same transaction before COMMIT (the audit rows of the same outcomes).
   */
  append(inputs: readonly LogAppendInput[], alsoWrite?: InTransaction): Promise<AppendResult> {
    return this.serial(() => this.appendNow(inputs, alsoWrite));
  }

  /** Signs and stores a checkpoint of the current size when it grew since the last one; null when it did not. */
  checkpoint(origin: string, signer: SigningPort): Promise<SignedCheckpointRow | null> {
    return this.serial(async () => {
      const size = this.range.size;
      if (size <= this.checkpointedSize) return null;
      const rootHash = this.range.root();
      const note = await signCheckpointAsync({ origin, size, rootHash }, signer);
      await this.client.query(
        `INSERT INTO log_checkpoints (tree_size, root_hash, note, signer_key_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tree_size) DO NOTHING`,
        [size, rootHash, note, signer.keyId],
      );
      this.latest = { treeSize: size, rootHash, note };
      return this.latest;
    });
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.client.query('SELECT pg_advisory_unlock($1)', [LOG_WRITER_LOCK]).catch(() => undefined);
    await this.client.end().catch(() => undefined);
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async appendNow(inputs: readonly LogAppendInput[], alsoWrite?: InTransaction): Promise<AppendResult> {
    const hashed = inputs.map((input) => ({ input, leaf: leafHash(input.entry) }));
    const c = this.client;
    await c.query('BEGIN');
    try {
      const stored = Number(
        (await c.query<{ n: string | null }>('SELECT max(leaf_index) + 1 AS n FROM log_entries')).rows[0]?.n ?? 0,
      );
      // The lock makes this impossible; if it ever happens the writer must stop rather than fork the log.
      if (stored !== this.range.size) {
        throw new ParmanaError('LOG-014', { detail: `stored size ${stored}, writer expected ${this.range.size}` });
      }
      const existing = new Set(
        (
          await c.query<{ leaf_hash: Buffer }>('SELECT leaf_hash FROM log_entries WHERE leaf_hash = ANY($1::bytea[])', [
            hashed.map((h) => h.leaf),
          ])
        ).rows.map((r) => r.leaf_hash.toString('hex')),
      );
      const next = new CompactRange(this.range.size, this.range.edge());
      const entries: { index: number; leaf: Buffer; input: LogAppendInput }[] = [];
      const nodes: SubtreeHash[] = [];
      for (const h of hashed) {
        const key = h.leaf.toString('hex');
        if (existing.has(key)) continue;
        existing.add(key);
        entries.push({ index: next.size, leaf: h.leaf, input: h.input });
        nodes.push(...next.append(h.leaf));
      }
      if (entries.length > 0) {
        await c.query(
          `INSERT INTO log_entries (leaf_index, leaf_hash, entry, kind, execution_id, source_topic, source_partition,
             source_offset)
           SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::bytea[], $4::text[], $5::text[], $6::text[],
             $7::integer[], $8::bigint[])`,
          [
            entries.map((e) => e.index),
            entries.map((e) => e.leaf),
            entries.map((e) => e.input.entry),
            entries.map((e) => e.input.kind),
            entries.map((e) => e.input.executionId),
            entries.map((e) => e.input.source.topic),
            entries.map((e) => e.input.source.partition),
            entries.map((e) => e.input.source.offset),
          ],
        );
        await c.query(
          'INSERT INTO log_nodes (level, node_index, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])',
          [nodes.map((n) => n.level), nodes.map((n) => n.index), nodes.map((n) => n.hash)],
        );
      }
      await alsoWrite?.(c);
      await c.query('COMMIT');
      stagingDone(c);
      this.range = next;
      return { appended: entries.length, duplicates: inputs.length - entries.length, size: next.size };
    } catch (err) {
      forgetStagingTables(c);
      await c.query('ROLLBACK').catch(() => undefined);
      throw asDbRefusal(err);
    }
  }
}
