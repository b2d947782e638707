import kafkajs, { type Consumer, type EachBatchPayload, type Kafka, type KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import type {
  BatchHandler,
  GroupConsumer,
  GroupConsumerOptions,
  KafkaRecord,
  PartitionOffset,
} from '../KafkaClient.js';
import { toKafkaError } from './toKafkaError.js';
import { FETCH_WAIT_MS } from '../KafkaClient.js';

export function toRecord(topic: string, partition: number, m: KafkaMessage): KafkaRecord {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.map(String).join(',') : v.toString();
  }
  return { topic, partition, offset: m.offset, timestamp: m.timestamp, key: m.key, value: m.value, headers };
}

/**
 * A kafkajs consumer-group member. kafkajs fetches a batch per partition and fetches again only when every batch of
 * the previous fetch is handled; batches larger than maxBatchRecords are handed over in slices with a heartbeat in
 * between (kafkajs heartbeats only between batches otherwise).
 */
export class KafkajsGroupConsumer implements GroupConsumer {
  readonly consumer: Consumer;
  readonly groupId: string;
  /** Per partition, the next offset to read if the current work is lost: the last commit, else the first fetched. */
  private readonly resumeFrom = new Map<string, string>();

  constructor(
    kafka: Kafka,
    private readonly o: GroupConsumerOptions,
    private readonly log: Logger,
  ) {
    this.groupId = o.groupId;
    const perPartition = Math.max(
      64 * 1024,
      Math.floor((o.maxBytesInFlight ?? 12 * 1_048_576) / Math.max(o.concurrency ?? 1, 1)),
    );
    this.consumer = kafka.consumer({
      groupId: o.groupId,
      readUncommitted: false,
      sessionTimeout: o.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: o.heartbeatIntervalMs ?? 3_000,
      maxBytesPerPartition: Math.min(perPartition, 1_048_576),
      maxBytes: o.maxBytesInFlight ?? 12 * 1_048_576,
      maxWaitTimeInMs: o.maxWaitMs ?? FETCH_WAIT_MS,
      // kafkajs fetches a batch per partition already; lingerMs has no separate meaning here.
      minBytes: o.minFetchBytes ?? 1,
    });
  }

  async run(handler: BatchHandler): Promise<void> {
    const slice = this.o.maxBatchRecords ?? 500;
    let markJoined: () => void = () => undefined;
    const joined = new Promise<void>((resolve) => {
      markJoined = resolve;
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => {
      this.log.info({ groupId: this.groupId, memberId: e.payload.memberId }, 'joined consumer group');
      markJoined();
    });
    try {
      await this.consumer.connect();
      await this.consumer.subscribe({ topics: [...this.o.topics], fromBeginning: this.o.fromBeginning ?? true });
    } catch (err) {
      throw toKafkaError(err, 'consumer connect');
    }
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.o.concurrency ?? 1,
      eachBatch: async (payload: EachBatchPayload) => {
        const { batch } = payload;
        const active = (): boolean => payload.isRunning() && !payload.isStale();
        const context = { isActive: active, heartbeat: () => payload.heartbeat() };
        const key = `${batch.topic}\u0000${batch.partition}`;
        const firstOffset = batch.messages[0]?.offset;
        if (!this.resumeFrom.has(key) && firstOffset !== undefined) this.resumeFrom.set(key, firstOffset);
        // kafkajs retries a failed batch from its first record: records already committed are not handed over again.
        const from = BigInt(this.resumeFrom.get(key) ?? '0');
        const pending = batch.messages.filter((m) => BigInt(m.offset) >= from);
        for (let i = 0; i < pending.length; i += slice) {
          if (!active()) return;
          const messages = pending.slice(i, i + slice);
          const last = messages.at(-1);
          if (last === undefined) return;
          try {
            await handler(
              {
                topic: batch.topic,
                partition: batch.partition,
                records: messages.map((m) => toRecord(batch.topic, batch.partition, m)),
              },
              context,
            );
          } catch (err) {
            // kafkajs hands the batch over again after a backoff (then, after its retries, restarts the consumer,
            // which reads from the committed offsets): either way the partition resumes from its last commit.
            this.log.warn(
              { err: (err as Error).message, topic: batch.topic, partition: batch.partition, resumeFrom: String(from) },
              'batch failed: re-reading the partition from its last commit',
            );
            throw new kafkajs.KafkaJSError(err instanceof Error ? err : String(err), { retriable: true });
          }
          payload.resolveOffset(last.offset);
          await payload.heartbeat();
        }
      },
    });
    await joined;
  }

  async commit(offsets: readonly PartitionOffset[]): Promise<void> {
    try {
      await this.consumer.commitOffsets(offsets.map((o) => ({ ...o })));
    } catch (err) {
      throw toKafkaError(err, 'offset commit');
    }
    this.noteCommitted(offsets);
  }

  /** Notes a commit made elsewhere (the transactional producer), for re-reading after a later failure. */
  noteCommitted(offsets: readonly PartitionOffset[]): void {
    for (const o of offsets) this.resumeFrom.set(`${o.topic}\u0000${o.partition}`, o.offset);
  }

  async stop(): Promise<void> {
    // disconnect() waits for the running batches, then leaves the group.
    await this.consumer.disconnect();
  }
}
