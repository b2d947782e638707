import type { BatchContext, BatchHandler, KafkaRecord, PartitionOffset } from '../../kafka/KafkaClient.js';

/** Consecutive records of one partition, handed over by that partition's batch handler. */
export interface CycleChunk {
  readonly topic: string;
  readonly partition: number;
  /** Headers are not needed by any cycle (and the worker's records carry none). */
  readonly records: readonly Omit<KafkaRecord, 'headers'>[];
  readonly context: BatchContext;
  /** Estimated bytes of the chunk's outputs. */
  readonly bytes: number;
}

/** What one cycle did, for stage timings. */
export interface CycleReport {
  readonly chunks: number;
  readonly records: number;
  readonly decideMs: number;
  readonly transactionMs: number;
}

/** The work of a cycle: every chunk at once (one round trip per step for all of them); returns what to commit. */
export type CyclePrepare<Out> = (chunks: readonly CycleChunk[]) => Promise<Out>;

/** Makes a prepared cycle durable together with its chunks' source offsets (the next offset of each partition). */
export type CycleCommit<Out> = (out: Out, offsets: readonly PartitionOffset[]) => Promise<void>;

interface Pending {
  readonly chunk: CycleChunk;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

function nextOffset(chunk: CycleChunk): PartitionOffset {
  const last = chunk.records.at(-1);
  return {
    topic: chunk.topic,
    partition: chunk.partition,
    offset: last === undefined ? '0' : (BigInt(last.offset) + 1n).toString(),
  };
}

/**
 * A consumer's unit of work (the worker's decisions, the sinks' Postgres writes). Chunks handed over by the
 * partitions while a cycle runs wait for the next one; a cycle takes all of them (up to `maxBytes`), prepares them
 * together and commits the result with every source offset at once. An idle consumer starts a cycle at once, so a
 * lone record never waits for company; under load, cycles grow and round trips and commits are shared by many records.
 *
 * Cycles are pipelined: the next cycle is prepared while the previous one commits (one preparing, at most one
 * committing, commits in order). This is safe because a partition never has two chunks in flight (its handler waits
 * for its chunk's commit), so overlapping cycles never share a partition, and a failed commit affects only its own
 * chunks: each is rejected and its partition re-read from its last commit.
 */
export class BatchCycle<Out> {
  private queue: Pending[] = [];
  private deciding = false;
  private committing: Promise<void> = Promise.resolve();
  private commitsPending = 0;

  constructor(
    private readonly prepare: CyclePrepare<Out>,
    private readonly commit: CycleCommit<Out>,
    private readonly maxBytes: number,
    private readonly onCycle?: (report: CycleReport) => void,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  submit(chunk: CycleChunk): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ chunk, resolve, reject });
      if (!this.deciding) void this.drain();
    });
  }

  private take(): Pending[] {
    const taken: Pending[] = [];
    let bytes = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0];
      if (next === undefined) break;
      if (taken.length > 0 && bytes + next.chunk.bytes > this.maxBytes) break;
      this.queue.shift();
      // A partition revoked while its chunk waited is not decided here: its new owner reads it again.
      if (!next.chunk.context.isActive()) {
        next.resolve();
        continue;
      }
      taken.push(next);
      bytes += next.chunk.bytes;
    }
    return taken;
  }

  private async drain(): Promise<void> {
    this.deciding = true;
    try {
      while (this.queue.length > 0) {
        // Prepare ahead of at most one commit: deeper would only hold prepared outputs in memory.
        if (this.commitsPending > 1) await this.committing;
        const cycle = this.take();
        if (cycle.length === 0) continue;
        const chunks = cycle.map((p) => p.chunk);
        const t0 = this.clock();
        let out: Out;
        try {
          out = await this.prepare(chunks);
        } catch (err) {
          for (const p of cycle) p.reject(err);
          continue;
        }
        const decideMs = this.clock() - t0;
        this.commitsPending += 1;
        this.committing = this.committing.then(async () => {
          const t1 = this.clock();
          try {
            await this.commit(out, chunks.map(nextOffset));
            this.onCycle?.({
              chunks: chunks.length,
              records: chunks.reduce((n, c) => n + c.records.length, 0),
              decideMs,
              transactionMs: this.clock() - t1,
            });
            for (const p of cycle) p.resolve();
          } catch (err) {
            for (const p of cycle) p.reject(err);
          } finally {
            this.commitsPending -= 1;
          }
        });
      }
    } finally {
      this.deciding = false;
    }
  }
}

/**
 * A group consumer's batch handler that hands every non-empty batch of an active partition to the next cycle whole,
 * `bytesOf` estimating each record's share of the cycle's byte budget. Resolves once the batch's cycle has committed.
 */
export function cycleHandler<Out>(
  cycles: BatchCycle<Out>,
  bytesOf: (r: Omit<KafkaRecord, 'headers'>) => number,
): BatchHandler {
  return async (batch, context) => {
    if (batch.records.length === 0 || !context.isActive()) return;
    await cycles.submit({
      topic: batch.topic,
      partition: batch.partition,
      records: batch.records,
      context,
      bytes: batch.records.reduce((n, r) => n + bytesOf(r), 0),
    });
  };
}
