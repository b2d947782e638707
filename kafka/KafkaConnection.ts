import type { SASLOptions } from 'kafkajs';

/** A principal's SCRAM credentials (the brokers' client listener is SASL/SCRAM-SHA-512, docs/operations.md). */
export interface KafkaSasl {
  readonly username: string;
  readonly password: string;
}

/** Where Kafka is and who connects: without `sasl` the client connects in plaintext without authenticating. */
export interface KafkaConnection {
  readonly brokers: readonly string[];
  readonly sasl?: KafkaSasl | undefined;
}

/** The mechanism both clients use; SCRAM-SHA-512 keeps the password off the wire (salted challenge/response). */
export const SASL_MECHANISM = 'SCRAM-SHA-512';

/** librdkafka's connection settings. */
export function rdkafkaConnectionConfig(c: KafkaConnection): Record<string, string> {
  const base = { 'metadata.broker.list': c.brokers.join(',') };
  if (c.sasl === undefined) return base;
  return {
    ...base,
    'security.protocol': 'sasl_plaintext',
    'sasl.mechanisms': SASL_MECHANISM,
    'sasl.username': c.sasl.username,
    'sasl.password': c.sasl.password,
  };
}

/** kafkajs's connection settings. */
export function kafkajsConnectionConfig(c: KafkaConnection): { brokers: string[]; sasl?: SASLOptions } {
  const brokers = [...c.brokers];
  if (c.sasl === undefined) return { brokers };
  return { brokers, sasl: { mechanism: 'scram-sha-512', username: c.sasl.username, password: c.sasl.password } };
}
