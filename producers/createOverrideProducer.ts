import type { KafkaSasl } from '../kafka/KafkaConnection.js';
import { pino } from 'pino';
import { AvroCodec } from '../shared/codec/AvroCodec.js';
import { ParmanaError } from '../core/errors/ParmanaError.js';
import { createKafkaClient } from '../kafka/createKafkaClient.js';
import type { KafkaClientName, Producer } from '../kafka/KafkaClient.js';
import type { OverrideCommand } from '../shared/records/OverrideCommand.js';

export interface OverrideProducerOptions {
  readonly brokers: readonly string[];
  /** SCRAM credentials of this client's principal, when the brokers require authentication. */
  readonly sasl?: KafkaSasl | undefined;
  readonly clientId: string;
  readonly registryUrl: string;
  readonly topic: string;
  readonly kafkaClient?: KafkaClientName;
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
  const codec = new AvroCodec(o.registryUrl);
  let producer: Producer | undefined;
  return {
    async connect() {
      const log = pino({ name: o.clientId, level: 'warn' });
      const kafka = await createKafkaClient(
        { kafka: { brokers: o.brokers, sasl: o.sasl }, kafkaClient: o.kafkaClient ?? 'rdkafka' },
        log,
      );
      producer = await kafka.producer({ clientId: o.clientId });
    },
    async send(command) {
      if (producer === undefined) throw new ParmanaError('KAF-002', { detail: 'call connect() first' });
      const value = await codec.encode(o.topic, { command, result: null });
      await producer.send([{ topic: o.topic, key: command.executionId, value }]);
    },
    async disconnect() {
      await producer?.disconnect();
      producer = undefined;
    },
  };
}
