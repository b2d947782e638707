import { CompressionTypes, type Message, type Producer, type TopicOffsets } from 'kafkajs';
import { sendOffsetsWithRetry } from './sendOffsetsWithRetry.js';

/** One partition's chunk: its outputs and the offset to commit for its source partition. */
export interface CommitJob {
  readonly outputs: ReadonlyMap<string, readonly Message[]>;
  readonly source: { readonly topic: string; readonly partition: number; readonly nextOffset: string };
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
 * outputs plus every source offset), so a light load is not one transaction per partition in turn. A chunk commits
 * only with its own offsets, so exactly-once holds per chunk as before. While a transaction is in flight, new
 * chunks queue for the next one; a transaction takes chunks up to `maxBytes` (one big chunk always goes alone).
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private inFlight = false;

  constructor(
    private readonly producer: Producer,
    private readonly groupId: string,
    private readonly maxBytes: number,
    private readonly sleep: (ms: number) => Promise<void>,
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
        try {
          await this.transact(group.map((p) => p.job));
          for (const p of group) p.resolve();
        } catch (err) {
          for (const p of group) p.reject(err);
        }
      }
    } finally {
      this.inFlight = false;
    }
  }

  private async transact(jobs: readonly CommitJob[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    const offsets = new Map<string, { partition: number; offset: string }[]>();
    for (const job of jobs) {
      for (const [topic, messages] of job.outputs) {
        const list = byTopic.get(topic);
        if (list === undefined) byTopic.set(topic, [...messages]);
        else list.push(...messages);
      }
      const list = offsets.get(job.source.topic) ?? [];
      list.push({ partition: job.source.partition, offset: job.source.nextOffset });
      offsets.set(job.source.topic, list);
    }
    const transaction = await this.producer.transaction();
    try {
      if (byTopic.size > 0) {
        await transaction.sendBatch({
          compression: CompressionTypes.None,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
      }
      const topics: TopicOffsets[] = [...offsets].map(([topic, partitions]) => ({ topic, partitions }));
      await sendOffsetsWithRetry(transaction, this.groupId, topics, this.sleep);
      await transaction.commit();
    } catch (err) {
      await transaction.abort().catch(() => undefined);
      throw err;
    }
  }
}
