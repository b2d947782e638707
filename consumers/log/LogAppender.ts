import type { ClientBase } from 'pg';
import type { SigningPort } from '../../core/crypto/SigningPort.js';
import type { LogAppendInput } from './LogAppendInput.js';

export interface AppendResult {
  readonly appended: number;
  /** Inputs already in the log (a re-delivered outcome): they keep their first index. */
  readonly duplicates: number;
  readonly size: number;
}

export interface SignedCheckpointRow {
  readonly treeSize: number;
  readonly rootHash: Buffer;
  readonly note: string;
}

/** More writes in the append's own transaction, before its COMMIT. */
export type InTransaction = (client: ClientBase) => Promise<void>;

/** What the log writer needs from the log's storage (PgLogAppender; tests wrap it to inject crashes). */
export interface LogAppender {
  /** Entries in the log. */
  readonly size: number;
  /** Size of the latest signed checkpoint; -1 before the first. */
  readonly checkpointedSize: number;
  /** The latest signed checkpoint (stored before this process started, or signed by it); null before the first. */
  readonly latestCheckpoint: SignedCheckpointRow | null;
  /**
   * Appends a batch durably; duplicates (already logged, or twice in the batch) keep their first index. `alsoWrite`
   * commits or rolls back with the entries.
   */
  append(inputs: readonly LogAppendInput[], alsoWrite?: InTransaction): Promise<AppendResult>;
  /** Signs and stores a checkpoint of the current size when it grew since the last one; null when it did not. */
  checkpoint(origin: string, signer: SigningPort): Promise<SignedCheckpointRow | null>;
}
