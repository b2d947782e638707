import type { KafkaConnection } from '../KafkaConnection.js';
import type { Logger } from 'pino';
import type {
  GroupConsumer,
  GroupConsumerOptions,
  KafkaClient,
  Producer,
  ProducerOptions,
  TailOptions,
  TailReader,
  TransactionalProducer,
  TransactionalProducerOptions,
} from '../KafkaClient.js';
import { kafkaError } from '../kafkaError.js';
import { RdkafkaGroupConsumer } from './RdkafkaGroupConsumer.js';
import { RdkafkaProducer } from './RdkafkaProducer.js';
import { RdkafkaTailReader } from './RdkafkaTailReader.js';
import { RdkafkaTransactionalProducer } from './RdkafkaTransactionalProducer.js';

/** The port on librdkafka (node-rdkafka, built from source against the machine's libraries by npm ci). */
export class RdkafkaClient implements KafkaClient {
  readonly name = 'rdkafka' as const;
  readonly sendConcurrency = 16;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly log: Logger,
  ) {}

  producer(o: ProducerOptions): Promise<Producer> {
    return RdkafkaProducer.connect(this.connection, o, this.log);
  }

  groupConsumer(o: GroupConsumerOptions): GroupConsumer {
    return new RdkafkaGroupConsumer(this.connection, o, this.log);
  }

  transactionalProducer(consumer: GroupConsumer, o: TransactionalProducerOptions): Promise<TransactionalProducer> {
    if (!(consumer instanceof RdkafkaGroupConsumer)) {
      return Promise.reject(kafkaError('KAF-002', new Error('consumer of another client'), 'transactional producer'));
    }
    return new RdkafkaTransactionalProducer(this.connection, consumer, o, this.log).connect();
  }

  tail(o: TailOptions): TailReader {
    return new RdkafkaTailReader(this.connection, o, this.log);
  }
}
