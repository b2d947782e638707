import type { KafkaConnection } from '../KafkaConnection.js';
import rdkafka, { type LibrdKafkaError } from 'node-rdkafka';
import type { Logger } from 'pino';
import type {
  OutgoingRecord,
  PartitionOffset,
  TransactionalProducer,
  TransactionalProducerOptions,
} from '../KafkaClient.js';
import type { RdkafkaGroupConsumer } from './RdkafkaGroupConsumer.js';
import { connected, toHeaders } from './RdkafkaProducer.js';
import { toKafkaError } from './toKafkaError.js';
import { baseConfig, wireLogging } from './wireLogging.js';

const TIMEOUT_MS = 30_000;

/** A node-rdkafka callback call as a promise; rejects with the coded error, librdkafka's error as its cause. */
function call(what: string, start: (cb: (err: LibrdKafkaError | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    // Success is null or undefined depending on the call.
    start((err: LibrdKafkaError | null | undefined) => {
      if (err) reject(toKafkaError(err, what));
      else resolve();
    });
  });
}

/** librdkafka's own error behind a coded one. */
function librdkafkaCause(err: unknown): Partial<LibrdKafkaError> {
  return ((err as { cause?: unknown }).cause ?? err) as Partial<LibrdKafkaError>;
}

/**
 * librdkafka transactions. The offsets go with the consumer's group metadata (KIP-447): a member that lost the
 * partition in a rebalance is fenced by the group coordinator, so a zombie can never commit over the new owner.
 * After a fatal error (this producer was fenced by a newer instance with the same transactional id) the producer
 * is replaced by a fresh one before the next transaction.
 */
export class RdkafkaTransactionalProducer implements TransactionalProducer {
  private producer: rdkafka.Producer | undefined;
  private last: Promise<void> = Promise.resolve();

  constructor(
    private readonly connection: KafkaConnection,
    private readonly consumer: RdkafkaGroupConsumer,
    private readonly o: TransactionalProducerOptions,
    private readonly log: Logger,
  ) {}

  async connect(): Promise<this> {
    const producer = new rdkafka.Producer(
      {
        ...baseConfig(this.connection, this.o.clientId),
        'transactional.id': this.o.transactionalId,
        'transaction.timeout.ms': this.o.transactionTimeoutMs ?? 60_000,
        'enable.idempotence': true,
        'linger.ms': 0,
        // The coordinator answers CONCURRENT_TRANSACTIONS to the next transaction's AddOffsetsToTxn while it still
        // writes the previous commit's markers, which takes milliseconds; librdkafka's default 100 ms retry backoff
        // put 100 ms into nearly every back-to-back transaction (measured: sendOffsetsToTransaction p50 95 ms).
        'retry.backoff.ms': 2,
        'retry.backoff.max.ms': 100,
        dr_cb: false,
      },
      { partitioner: 'murmur2_random' },
    );
    wireLogging(producer, this.log, 'transactional producer');
    await connected(producer, 'transactional producer connect');
    // Fences any earlier producer with this transactional id and aborts its open transaction.
    await call('init transactions', (cb) => {
      producer.initTransactions(TIMEOUT_MS, cb);
    });
    this.producer = producer;
    return this;
  }

  /** One transaction at a time: concurrent callers are queued (the client allows one open transaction). */
  commit(records: readonly OutgoingRecord[], offsets: readonly PartitionOffset[]): Promise<void> {
    const run = this.last.then(() => this.commitNow(records, offsets));
    this.last = run.catch(() => undefined);
    return run;
  }

  private async commitNow(records: readonly OutgoingRecord[], offsets: readonly PartitionOffset[]): Promise<void> {
    if (this.producer === undefined) await this.connect();
    const producer = this.producer;
    if (producer === undefined) throw toKafkaError(new Error('no producer'), 'transaction');
    try {
      await call('begin transaction', (cb) => {
        producer.beginTransaction(cb);
      });
      for (const r of records) {
        producer.produce(r.topic, null, r.value, r.key ?? undefined, null, undefined, toHeaders(r.headers));
      }
      if (offsets.length > 0) {
        const tps = offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: Number(o.offset) }));
        await call('send offsets', (cb) => {
          producer.sendOffsetsToTransaction(tps, this.consumer.native, TIMEOUT_MS, cb);
        });
      }
      await call('commit transaction', (cb) => {
        producer.commitTransaction(TIMEOUT_MS, cb);
      });
      this.consumer.noteCommitted(offsets);
    } catch (err) {
      await this.recover(producer, err);
      throw toKafkaError(err, 'transaction');
    }
  }

  /** Abortable errors are aborted here; a fatal one (fenced by a newer instance) retires this producer. */
  private async recover(producer: rdkafka.Producer, err: unknown): Promise<void> {
    const e = librdkafkaCause(err);
    if (e.isFatal === true) {
      this.log.error({ err: e.message }, 'transactional producer fenced or failed fatally; replacing it');
      this.producer = undefined;
      await new Promise<void>((resolve) => {
        producer.disconnect(() => {
          resolve();
        });
      });
      return;
    }
    await call('abort transaction', (cb) => {
      producer.abortTransaction(TIMEOUT_MS, cb);
    }).catch((abortErr: unknown) => {
      this.log.warn({ err: (abortErr as Error).message }, 'abort failed; replacing the transactional producer');
      this.producer = undefined;
      producer.disconnect();
    });
  }

  async disconnect(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer === undefined) return;
    await new Promise<void>((resolve) => {
      producer.disconnect(() => {
        resolve();
      });
    });
  }
}
