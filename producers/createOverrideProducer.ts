import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { AvroCodec } from '../consumers/codec/AvroCodec.js';
import type { OverrideCommand } from '../consumers/worker/OverrideDecider.js';

export interface OverrideProducerOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly registryUrl: string;
  readonly topic: string;
}

/**
 * Sends override commands onto the overrides topic, keyed by executionId so the command reaches the worker that owns
 * the execution's partition. The worker answers with a signed result on the same topic.
 */
export function createOverrideProducer(o: OverrideProducerOptions): {
  connect(): Promise<void>;
  send(command: OverrideCommand): Promise<void>;
  disconnect(): Promise<void>;
} {
  const kafka = new Kafka({ brokers: [...o.brokers], clientId: o.clientId, logLevel: logLevel.WARN });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const codec = new AvroCodec(o.registryUrl);
  return {
    connect: () => producer.connect(),
    async send(command) {
      const value = await codec.encode(o.topic, { command, result: null });
      await producer.send({ topic: o.topic, acks: -1, messages: [{ key: command.executionId, value }] });
    },
    disconnect: () => producer.disconnect(),
  };
}
