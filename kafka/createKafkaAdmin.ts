import kafkajs, { Kafka, logLevel, type Admin } from 'kafkajs';
import { kafkajsConnectionConfig, type KafkaConnection } from './KafkaConnection.js';
import { quietRequestQueue } from './kafkajs/quietRequestQueue.js';

export type { Admin as KafkaAdmin } from 'kafkajs';

/**
 * Cluster administration (topics, partitions, group offsets, lag, broker list) stays on kafkajs's admin client
 * whichever client carries the data: node-rdkafka's admin API lacks offset and group listings. It is not on any
 * request's path.
 */
export function createKafkaAdmin(connection: KafkaConnection, clientId: string, quiet = false): Admin {
  quietRequestQueue();
  return new Kafka({
    ...kafkajsConnectionConfig(connection),
    clientId,
    logLevel: quiet ? logLevel.NOTHING : logLevel.WARN,
  }).admin();
}

/** True for admin failures worth another try (a cluster still electing leaders or propagating new topics). */
export function isRetriableAdminError(err: unknown): boolean {
  return err instanceof kafkajs.KafkaJSError && (err.retriable || err.name === 'KafkaJSNumberOfRetriesExceeded');
}
