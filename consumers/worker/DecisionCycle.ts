import type { BatchContext, OutgoingRecord, PartitionOffset, TransactionalProducer } from '../../kafka/KafkaClient.js';
import type { InboundRecord } from './records.js';

/** Consecutive records of one partition, handed over by that partition's batch handler. */
export interface CycleChunk {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly InboundRecord[];
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

/** Decides every chunk of a cycle at once (one Redis round trip per step for all of them) and returns the outputs. */
export type CycleDecide = (chunks: readonly CycleChunk[]) => Promise<readonly OutgoingRecord[]>;

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
 * The worker's unit of work. Chunks handed over by the partitions while a cycle runs wait for the next one; a cycle
 * takes all of them (up to `maxBytes`), decides them together and commits their outputs and every source offset in
 * one Kafka transaction. An idle worker starts a cycle at once, so a lone request never waits for company; under
 * load, cycles grow and Redis round trips and transactions are shared by many requests.
 *
 * Cycles are pipelined: the next cycle is decided while the previous one's transaction commits (one deciding, at
 * most one committing, commits in order). This is safe because a partition never has two chunks in flight (its
 * handler waits for its chunk's commit), so overlapping cycles never share a partition, and a failed commit affects
 * only its own chunks: each is rejected and its partition re-read from its last commit.
 */
export class DecisionCycle {
  private queue: Pending[] = [];
  private deciding = false;
  private committing: Promise<void> = Promise.resolve();
  private commitsPending = 0;

  constructor(
    private readonly decide: CycleDecide,
    private readonly producer: TransactionalProducer,
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
        // Decide ahead of at most one transaction: deeper would only hold decided outputs in memory.
        if (this.commitsPending > 1) await this.committing;
        const cycle = this.take();
        if (cycle.length === 0) continue;
        const chunks = cycle.map((p) => p.chunk);
        const t0 = this.clock();
        let records: readonly OutgoingRecord[];
        try {
          records = await this.decide(chunks);
        } catch (err) {
          for (const p of cycle) p.reject(err);
          continue;
        }
        const decideMs = this.clock() - t0;
        this.commitsPending += 1;
        this.committing = this.committing.then(async () => {
          const t1 = this.clock();
          try {
            await this.producer.commit(records, chunks.map(nextOffset));
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
