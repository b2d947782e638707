import type { Logger } from 'pino';
import type { KafkaClient, KafkaClientName } from './KafkaClient.js';
import type { KafkaConnection } from './KafkaConnection.js';
import { kafkaError } from './kafkaError.js';
import { KafkajsClient } from './kafkajs/KafkajsClient.js';

export const KAFKA_CLIENTS: readonly KafkaClientName[] = ['rdkafka', 'kafkajs'];

/**
 * The one place that picks the Kafka client library. librdkafka is loaded only when chosen, so an installation
 * whose native build is missing still runs on kafkajs, and says so clearly (KAF-004) if rdkafka is asked for.
 */
export async function createKafkaClient(
  o: { readonly kafka: KafkaConnection; readonly kafkaClient: KafkaClientName },
  log: Logger,
): Promise<KafkaClient> {
  if (o.kafkaClient === 'kafkajs') return new KafkajsClient(o.kafka, log);
  try {
    const { RdkafkaClient } = await import('./rdkafka/RdkafkaClient.js');
    return new RdkafkaClient(o.kafka, log);
  } catch (err) {
    throw kafkaError(
      'KAF-004',
      err,
      'node-rdkafka is not built here (npm ci compiles it with gcc, make and python3); set PARMANA_KAFKA_CLIENT=kafkajs',
    );
  }
}
