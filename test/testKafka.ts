import { pino } from 'pino';
import { createKafkaClient } from '../kafka/createKafkaClient.js';
import type { KafkaClient, KafkaClientName } from '../kafka/KafkaClient.js';
import { kafkajsConnectionConfig, type KafkaConnection, type KafkaSasl } from '../kafka/KafkaConnection.js';
import { readCredentials } from '../shared/credentials/Credentials.js';

export const testBrokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/** A principal's credentials from the file its variable names (PARMANA_<PROCESS>_KAFKA_CREDENTIALS), if set. */
export function testKafkaSasl(principal = 'ADMIN'): KafkaSasl | undefined {
  const file = process.env[`PARMANA_${principal}_KAFKA_CREDENTIALS`];
  return file === undefined || file === '' ? undefined : readCredentials(file);
}

/** Tests set up topics and read results as the admin principal (a super user), like `provision`. */
export const testKafka: KafkaConnection = { brokers: testBrokers, sasl: testKafkaSasl() };

/** kafkajs's `new Kafka({...})` settings for the admin principal: brokers and SASL. */
export const testKafkajs = (): ReturnType<typeof kafkajsConnectionConfig> => kafkajsConnectionConfig(testKafka);

/** The client the product is configured with (PARMANA_KAFKA_CLIENT, default rdkafka), or the one asked for. */
export function testKafkaClient(name?: KafkaClientName, connection: KafkaConnection = testKafka): Promise<KafkaClient> {
  const configured = process.env.PARMANA_KAFKA_CLIENT === 'kafkajs' ? 'kafkajs' : 'rdkafka';
  return createKafkaClient({ kafka: connection, kafkaClient: name ?? configured }, pino({ level: 'warn' }));
}
