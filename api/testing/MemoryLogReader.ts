import type { Envelope } from '../../core/dsse/Envelope.js';
import type { LogSigner } from '../../core/log/signCheckpoint.js';
import { logEntryBytes } from '../../core/log/logEntry.js';
import { leafHash } from '../../core/log/merkleHashes.js';
import { MemoryMerkleTree } from '../../core/log/MemoryMerkleTree.js';
import { signCheckpoint } from '../../core/log/signCheckpoint.js';
import { subtreeKey, type SubtreeRef } from '../../core/log/SubtreeRef.js';
import type { LogEntryKind, LogMonitorReport } from '../contract.js';
import type { LogReader, StoredCheckpoint, StoredLogEntry } from '../ports.js';

/** The log's read side in memory, built with the same core/log code as the writer (route tests only). */
export class MemoryLogReader implements LogReader {
  readonly tree = new MemoryMerkleTree();
  readonly stored: StoredLogEntry[] = [];
  readonly checkpoints: StoredCheckpoint[] = [];
  readonly reports: LogMonitorReport[] = [];

  append(envelope: Envelope, kind: LogEntryKind, executionId: string): StoredLogEntry {
    const entry = logEntryBytes(envelope);
    const hash = leafHash(entry);
    const leafIndex = this.tree.append(hash);
    const stored = { leafIndex, kind, executionId, leafHash: hash, entry, appendedAt: '2026-03-01T12:00:00.000Z' };
    this.stored.push(stored);
    return stored;
  }

  checkpoint(origin: string, signer: LogSigner & { keyId: string }): StoredCheckpoint {
    const cp = {
      treeSize: this.tree.size,
      rootHash: this.tree.root(),
      note: signCheckpoint({ origin, size: this.tree.size, rootHash: this.tree.root() }, signer),
      signerKeyId: signer.keyId,
      signedAt: '2026-03-01T12:00:01.000Z',
    };
    this.checkpoints.push(cp);
    return cp;
  }

  latestCheckpoint(): Promise<StoredCheckpoint | null> {
    return Promise.resolve(this.checkpoints.at(-1) ?? null);
  }
  checkpointAt(treeSize: number): Promise<StoredCheckpoint | null> {
    return Promise.resolve(this.checkpoints.find((c) => c.treeSize === treeSize) ?? null);
  }
  size(): Promise<number> {
    return Promise.resolve(this.stored.length);
  }
  entry(index: number): Promise<StoredLogEntry | null> {
    return Promise.resolve(this.stored[index] ?? null);
  }
  entryOf(executionId: string, kind?: LogEntryKind): Promise<StoredLogEntry | null> {
    return Promise.resolve(
      this.stored.find((e) => e.executionId === executionId && (kind === undefined || e.kind === kind)) ?? null,
    );
  }
  entries(from: number, count: number): Promise<StoredLogEntry[]> {
    return Promise.resolve(this.stored.slice(from, from + count));
  }
  subtrees(refs: readonly SubtreeRef[]): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    for (const ref of refs) {
      const hash = this.tree.subtree(ref);
      if (hash !== undefined) out.set(subtreeKey(ref), hash);
    }
    return Promise.resolve(out);
  }
  monitorReports(limit: number): Promise<LogMonitorReport[]> {
    return Promise.resolve(this.reports.slice(0, limit));
  }
}
