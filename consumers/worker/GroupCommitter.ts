import type { OutgoingRecord, PartitionOffset, TransactionalProducer } from '../../kafka/KafkaClient.js';

/** One partition's chunk: its outputs and the offset to commit for its source partition. */
export interface CommitJob {
  readonly records: readonly OutgoingRecord[];
  readonly offset: PartitionOffset;
  /** Estimated bytes of the outputs, to keep one transaction under the broker's batch limit. */
  readonly bytes: number;
}

interface Pending {
  readonly job: CommitJob;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Group commit: chunks of different partitions that are ready at the same time share one Kafka transaction (their
 * outputs plus every source offset). An idle committer starts a transaction at once, so a lone request never waits
 * for company; while one is in flight, new chunks queue for the next, so transactions grow with the load and a
 * chunk's wait is bounded by one transaction's duration. A chunk commits only with its own offsets, so exactly-once
 * holds per chunk; a transaction takes chunks up to `maxBytes` (one big chunk always goes alone).
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private inFlight = false;

  constructor(
    private readonly producer: TransactionalProducer,
    private readonly maxBytes: number,
    private readonly onTransaction?: (chunks: number, ms: number) => void,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  commit(job: CommitJob): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      if (!this.inFlight) void this.drain();
    });
  }

  private take(): Pending[] {
    const taken: Pending[] = [];
    let bytes = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0];
      if (next === undefined) break;
      if (taken.length > 0 && bytes + next.job.bytes > this.maxBytes) break;
      taken.push(next);
      bytes += next.job.bytes;
      this.queue.shift();
    }
    return taken;
  }

  private async drain(): Promise<void> {
    this.inFlight = true;
    try {
      while (this.queue.length > 0) {
        const group = this.take();
        const started = this.clock();
        try {
          await this.producer.commit(
            group.flatMap((p) => p.job.records),
            group.map((p) => p.job.offset),
          );
          this.onTransaction?.(group.length, this.clock() - started);
          for (const p of group) p.resolve();
        } catch (err) {
          for (const p of group) p.reject(err);
        }
      }
    } finally {
      this.inFlight = false;
    }
  }
}
