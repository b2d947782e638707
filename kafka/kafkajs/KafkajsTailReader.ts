import { randomBytes } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaRecord, TailOptions, TailReader } from '../KafkaClient.js';
import { toRecord } from './KafkajsGroupConsumer.js';
import { toKafkaError } from './toKafkaError.js';
import { FETCH_WAIT_MS } from '../KafkaClient.js';

/**
 * kafkajs has no group-less consumer: a throw-away group that never commits stands in, and "positioned" means the
 * first fetch after joining (the group's offsets are then resolved to the start or the end).
 */
export class KafkajsTailReader implements TailReader {
  private readonly consumer: Consumer;
  private positioned = false;

  constructor(
    kafka: Kafka,
    private readonly o: TailOptions,
    private readonly log: Logger,
  ) {
    this.consumer = kafka.consumer({
      groupId: `${o.clientId}-tail-${randomBytes(6).toString('hex')}`,
      readUncommitted: o.committedOnly === false,
      maxWaitTimeInMs: FETCH_WAIT_MS,
      sessionTimeout: 30_000,
    });
  }

  async start(onRecords: (records: readonly KafkaRecord[]) => void | Promise<void>): Promise<void> {
    let markReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    let joined = false;
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      joined = true;
    });
    this.consumer.on(this.consumer.events.FETCH, () => {
      if (joined && !this.positioned) {
        this.positioned = true;
        markReady();
      }
    });
    this.consumer.on(this.consumer.events.CRASH, (e) => {
      this.log.warn({ err: e.payload.error.message, restart: e.payload.restart }, 'tail reader crashed');
    });
    try {
      await this.consumer.connect();
      await this.consumer.subscribe({ topics: [...this.o.topics], fromBeginning: this.o.from === 'earliest' });
    } catch (err) {
      throw toKafkaError(err, 'tail reader connect');
    }
    await this.consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: this.o.topics.length,
      eachBatch: async ({ batch }) => {
        await onRecords(batch.messages.map((m) => toRecord(batch.topic, batch.partition, m)));
      },
    });
    await ready;
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
