import { consistencyProof } from '../../api/log/logProofs.js';
import type { LogReader } from '../../api/ports.js';
import { isParmanaError, ParmanaError } from '../../core/errors/ParmanaError.js';
import { CompactRange } from '../../core/log/CompactRange.js';
import { leafHash } from '../../core/log/merkleHashes.js';
import { verifyCheckpoint, type VerifiedCheckpoint } from '../../core/log/verifyCheckpoint.js';
import { checkConsistency } from '../../core/log/verifyConsistency.js';
import type { TrustRoot } from '../../core/trust/TrustRoot.js';
import type { MonitorState } from './MonitorState.js';

export interface MonitorFinding {
  readonly status: 'ok' | 'inconsistent';
  readonly treeSize: number;
  readonly rootHash: Buffer;
  readonly code: string | null;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface LogMonitorOptions {
  readonly reader: LogReader;
  readonly trustRoot: () => TrustRoot;
  readonly origin: string;
  readonly state: { load(): MonitorState | null; save(s: MonitorState): void };
  /** Records every finding (report row, and a critical log_inconsistency security event when inconsistent). */
  readonly report: (finding: MonitorFinding) => Promise<void>;
  readonly now: () => Date;
  /** Entries read per query while re-hashing. */
  readonly chunk?: number;
}

const b64 = (b: Buffer): string => b.toString('base64');

/**
 * Follows the log's checkpoints. Each new one must carry a valid log-signing signature, be consistent with the last
 * checkpoint this monitor verified (RFC 9162 proof from the store) and equal the root the monitor computes itself
 * from the stored entry bytes. A sweep re-hashes every stored entry against the saved checkpoint, which catches a past
 * entry rewritten behind the append-only triggers. Nothing inconsistent is ever saved as trusted.
 */
export class LogMonitor {
  private range: CompactRange | null = null;

  constructor(private readonly o: LogMonitorOptions) {}

  /** Verifies one checkpoint note and records the finding. */
  async onCheckpoint(note: string): Promise<MonitorFinding> {
    let cp: VerifiedCheckpoint;
    try {
      cp = verifyCheckpoint(note, this.o.trustRoot(), { origin: this.o.origin, at: this.o.now().toISOString() });
    } catch (err) {
      return this.fail(0, Buffer.alloc(32), err, { note: note.slice(0, 400) });
    }
    const saved = this.o.state.load();
    try {
      if (saved === null) {
        // First sight: nothing to be consistent with, so the monitor computes the root from the entries itself.
        await this.rehash(cp.size, cp.rootHash);
      } else {
        const savedRoot = Buffer.from(saved.rootHash, 'base64');
        const older = cp.size <= saved.treeSize;
        const [from, to] = older ? [cp.size, saved.treeSize] : [saved.treeSize, cp.size];
        const [fromRoot, toRoot] = older ? [cp.rootHash, savedRoot] : [savedRoot, cp.rootHash];
        const p = await consistencyProof(this.o.reader, from, to);
        try {
          checkConsistency(
            from,
            to,
            fromRoot,
            toRoot,
            p.hashes.map((h) => Buffer.from(h, 'base64')),
          );
        } catch (err) {
          throw new ParmanaError('LOG-030', { cause: err, detail: `${saved.treeSize} -> ${cp.size}: ${String(err)}` });
        }
        if (older) return await this.ok(cp, { previous: saved.treeSize, older: true }, false);
        await this.extend(saved, cp);
      }
      return await this.ok(cp, { previous: saved?.treeSize ?? null }, true);
    } catch (err) {
      return this.fail(cp.size, cp.rootHash, err, { previous: saved?.treeSize ?? null });
    }
  }

  /** Re-hashes every stored entry up to the saved checkpoint and compares roots. */
  async sweep(): Promise<MonitorFinding | null> {
    const saved = this.o.state.load();
    if (saved === null) return null;
    const root = Buffer.from(saved.rootHash, 'base64');
    try {
      this.range = null;
      await this.rehash(saved.treeSize, root);
      const finding: MonitorFinding = {
        status: 'ok',
        treeSize: saved.treeSize,
        rootHash: root,
        code: null,
        detail: { sweep: true },
      };
      await this.o.report(finding);
      return finding;
    } catch (err) {
      return this.fail(saved.treeSize, root, err, { sweep: true });
    }
  }

  /** Hashes entries [0, size) from their stored bytes; the computed root must be `expected` (LOG-031). */
  private async rehash(size: number, expected: Buffer): Promise<void> {
    const range = new CompactRange();
    await this.hashInto(range, 0, size);
    if (!range.root().equals(expected)) {
      throw new ParmanaError('LOG-031', { detail: `entries 0..${size - 1} do not hash to the signed root` });
    }
    this.range = range;
  }

  /** Adds entries (saved.size, cp.size] to the monitor's own range; its root must be the new checkpoint's. */
  private async extend(saved: MonitorState, cp: VerifiedCheckpoint): Promise<void> {
    if (this.range?.size !== saved.treeSize) await this.rehash(saved.treeSize, Buffer.from(saved.rootHash, 'base64'));
    const range = new CompactRange(saved.treeSize, this.range?.edge() ?? []);
    await this.hashInto(range, saved.treeSize, cp.size);
    if (!range.root().equals(cp.rootHash)) {
      throw new ParmanaError('LOG-031', {
        detail: `entries ${saved.treeSize}..${cp.size - 1} do not hash to the signed root`,
      });
    }
    this.range = range;
  }

  private async hashInto(range: CompactRange, from: number, to: number): Promise<void> {
    const chunk = this.o.chunk ?? 5000;
    for (let at = from; at < to; at += chunk) {
      const rows = await this.o.reader.entries(at, Math.min(chunk, to - at));
      for (const [i, row] of rows.entries()) {
        if (row.leafIndex !== at + i) throw new ParmanaError('LOG-031', { detail: `entry ${at + i} is missing` });
        range.append(leafHash(row.entry));
      }
      if (rows.length !== Math.min(chunk, to - at))
        throw new ParmanaError('LOG-031', { detail: `entries missing after ${at}` });
    }
  }

  private async ok(cp: VerifiedCheckpoint, detail: Record<string, unknown>, save: boolean): Promise<MonitorFinding> {
    if (save) {
      this.o.state.save({
        origin: cp.origin,
        treeSize: cp.size,
        rootHash: b64(cp.rootHash),
        note: cp.note,
        verifiedAt: this.o.now().toISOString(),
      });
    }
    const finding: MonitorFinding = { status: 'ok', treeSize: cp.size, rootHash: cp.rootHash, code: null, detail };
    await this.o.report(finding);
    return finding;
  }

  private async fail(
    size: number,
    root: Buffer,
    err: unknown,
    detail: Record<string, unknown>,
  ): Promise<MonitorFinding> {
    if (!isParmanaError(err) && !(err instanceof RangeError)) throw err;
    const finding: MonitorFinding = {
      status: 'inconsistent',
      treeSize: size,
      rootHash: root,
      code: isParmanaError(err) ? err.code : 'LOG-031',
      detail: { ...detail, message: err.message },
    };
    await this.o.report(finding);
    return finding;
  }
}
