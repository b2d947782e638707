import { setTimeout as sleep } from 'node:timers/promises';
import { CompressionTypes, Partitioners, type Kafka, type Producer as JsProducer, type TopicOffsets } from 'kafkajs';
import type {
  OutgoingRecord,
  PartitionOffset,
  TransactionalProducer,
  TransactionalProducerOptions,
} from '../KafkaClient.js';
import type { KafkajsGroupConsumer } from './KafkajsGroupConsumer.js';
import { byTopic } from './KafkajsProducer.js';
import { sendOffsetsWithRetry } from './sendOffsetsWithRetry.js';
import { toKafkaError } from './toKafkaError.js';

function offsetsByTopic(offsets: readonly PartitionOffset[]): TopicOffsets[] {
  const grouped = new Map<string, { partition: number; offset: string }[]>();
  for (const o of offsets) {
    const list = grouped.get(o.topic) ?? [];
    list.push({ partition: o.partition, offset: o.offset });
    grouped.set(o.topic, list);
  }
  return [...grouped].map(([topic, partitions]) => ({ topic, partitions }));
}

/**
 * kafkajs transactions. kafkajs cannot send the consumer's group generation with the offsets (KIP-447), so a
 * zombie is fenced only by its transactional id; the replay store keeps a re-run record's outcome byte-identical.
 */
export class KafkajsTransactionalProducer implements TransactionalProducer {
  private last: Promise<void> = Promise.resolve();

  private constructor(
    private readonly producer: JsProducer,
    private readonly consumer: KafkajsGroupConsumer,
  ) {}

  static async connect(
    kafka: Kafka,
    consumer: KafkajsGroupConsumer,
    o: TransactionalProducerOptions,
  ): Promise<KafkajsTransactionalProducer> {
    const producer = kafka.producer({
      transactionalId: o.transactionalId,
      transactionTimeout: o.transactionTimeoutMs ?? 60_000,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      // The broker answers CONCURRENT_TRANSACTIONS while the previous commit's markers are still being written; that
      // clears in milliseconds, so retry fast instead of kafkajs's 300 ms first backoff (which dominated latency).
      retry: { initialRetryTime: 5, maxRetryTime: 500, retries: 50 },
    });
    try {
      await producer.connect();
    } catch (err) {
      throw toKafkaError(err, 'transactional producer connect');
    }
    return new KafkajsTransactionalProducer(producer, consumer);
  }

  /** One transaction at a time: concurrent callers are queued (the client allows one open transaction). */
  commit(records: readonly OutgoingRecord[], offsets: readonly PartitionOffset[]): Promise<void> {
    const run = this.last.then(() => this.commitNow(records, offsets));
    this.last = run.catch(() => undefined);
    return run;
  }

  private async commitNow(records: readonly OutgoingRecord[], offsets: readonly PartitionOffset[]): Promise<void> {
    const transaction = await this.producer.transaction().catch((err: unknown) => {
      throw toKafkaError(err, 'begin transaction');
    });
    try {
      if (records.length > 0) {
        await transaction.sendBatch({ compression: CompressionTypes.None, topicMessages: byTopic(records) });
      }
      if (offsets.length > 0) {
        await sendOffsetsWithRetry(transaction, this.consumer.groupId, offsetsByTopic(offsets), (ms) => sleep(ms));
      }
      await transaction.commit();
      this.consumer.noteCommitted(offsets);
    } catch (err) {
      await transaction.abort().catch(() => undefined);
      throw toKafkaError(err, 'transaction');
    }
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}
