import { pino } from 'pino';
import { createKafkaClient } from '../kafka/createKafkaClient.js';
import type { KafkaClient, KafkaClientName } from '../kafka/KafkaClient.js';

export const testBrokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/** The client the product is configured with (PARMANA_KAFKA_CLIENT, default rdkafka), or the one asked for. */
export function testKafkaClient(name?: KafkaClientName): Promise<KafkaClient> {
  const configured = process.env.PARMANA_KAFKA_CLIENT === 'kafkajs' ? 'kafkajs' : 'rdkafka';
  return createKafkaClient({ kafkaBrokers: testBrokers, kafkaClient: name ?? configured }, pino({ level: 'warn' }));
}
