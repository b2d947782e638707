import type { KafkaConnection } from '../KafkaConnection.js';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import rdkafka, { type LibrdKafkaError, type Metadata } from 'node-rdkafka';
import type { Logger } from 'pino';
import type { KafkaRecord, TailOptions, TailReader } from '../KafkaClient.js';
import { consumeLoop } from './consumeLoop.js';
import { recordOf } from './RdkafkaGroupConsumer.js';
import { connected } from './RdkafkaProducer.js';
import { toKafkaError } from './toKafkaError.js';
import { baseConfig, wireLogging } from './wireLogging.js';
import { FETCH_WAIT_MS } from '../KafkaClient.js';

const OFFSET_BEGINNING = -2;

/**
 * Reads every partition of its topics with a plain assignment (no group membership, no commits). For 'latest' the
 * start offsets are the high watermarks read before start() resolves, so nothing produced afterwards is missed.
 */
export class RdkafkaTailReader implements TailReader {
  private consumer: rdkafka.KafkaConsumer | undefined;
  private buffer: KafkaRecord[] = [];
  private flushing = false;
  private stopping = false;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly o: TailOptions,
    private readonly log: Logger,
  ) {}

  async start(onRecords: (records: readonly KafkaRecord[]) => void | Promise<void>): Promise<void> {
    const consumer = new rdkafka.KafkaConsumer(
      {
        ...baseConfig(this.connection, this.o.clientId),
        'group.id': `${this.o.clientId}-tail-${randomBytes(6).toString('hex')}`,
        'enable.auto.commit': false,
        'enable.auto.offset.store': false,
        'isolation.level': this.o.committedOnly === false ? 'read_uncommitted' : 'read_committed',
        'fetch.wait.max.ms': FETCH_WAIT_MS,
        'fetch.min.bytes': 1,
        'queued.max.messages.kbytes': 16_384,
      },
      { 'auto.offset.reset': this.o.from === 'earliest' ? 'earliest' : 'latest' },
    );
    wireLogging(consumer, this.log, 'tail reader');
    this.consumer = consumer;
    await connected(consumer, 'tail reader connect');
    const assignment: { topic: string; partition: number; offset: number }[] = [];
    for (const topic of this.o.topics) {
      const meta = await new Promise<Metadata>((resolve, reject) => {
        consumer.getMetadata({ topic, timeout: 10_000 }, (err: LibrdKafkaError | null, m: Metadata) => {
          if (err) reject(toKafkaError(err, `metadata of ${topic}`));
          else resolve(m);
        });
      });
      const partitions = meta.topics.find((t) => t.name === topic)?.partitions ?? [];
      if (partitions.length === 0) throw toKafkaError(new Error(`topic ${topic} has no partitions`), 'tail reader');
      for (const p of partitions) {
        const offset =
          this.o.from === 'earliest'
            ? OFFSET_BEGINNING
            : await new Promise<number>((resolve, reject) => {
                consumer.queryWatermarkOffsets(topic, p.id, 10_000, (err: LibrdKafkaError | null | undefined, w) => {
                  if (err) reject(toKafkaError(err, `watermarks of ${topic}:${p.id}`));
                  else resolve(w.highOffset);
                });
              });
        assignment.push({ topic, partition: p.id, offset });
      }
    }
    consumer.assign(assignment);
    consumeLoop(
      consumer,
      (m) => {
        this.buffer.push(recordOf(m));
        this.flush(onRecords);
      },
      (err) => {
        if (!this.stopping) this.log.warn({ err: err.message }, 'tail reader consume error');
      },
    );
  }

  /** Hands over what arrived in this turn of the event loop, one call at a time, in order. */
  private flush(onRecords: (records: readonly KafkaRecord[]) => void | Promise<void>): void {
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      void (async () => {
        while (this.buffer.length > 0) {
          const records = this.buffer;
          this.buffer = [];
          try {
            await onRecords(records);
          } catch (err) {
            this.log.warn({ err: (err as Error).message }, 'tail reader handler failed');
          }
        }
        this.flushing = false;
      })();
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const consumer = this.consumer;
    if (consumer === undefined) return;
    // Drop the assignment and let the consume loop go idle first: closing while the loop still delivers
    // records could leave node-rdkafka's disconnect callback uncalled (seen under load).
    try {
      consumer.unassign();
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'unassign before disconnect failed');
    }
    await sleep(250);
    this.log.debug({ topics: this.o.topics }, 'tail reader disconnecting');
    await new Promise<void>((resolve) => {
      consumer.disconnect(() => {
        resolve();
      });
    });
    this.log.debug({ topics: this.o.topics }, 'tail reader disconnected');
  }
}
