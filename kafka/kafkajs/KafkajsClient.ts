import { Kafka, logLevel } from 'kafkajs';
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
import { kafkajsConnectionConfig, type KafkaConnection } from '../KafkaConnection.js';
import { kafkaError } from '../kafkaError.js';
import { KafkajsGroupConsumer } from './KafkajsGroupConsumer.js';
import { KafkajsProducer } from './KafkajsProducer.js';
import { KafkajsTailReader } from './KafkajsTailReader.js';
import { KafkajsTransactionalProducer } from './KafkajsTransactionalProducer.js';
import { kafkaLogCreator } from './kafkaLogCreator.js';
import { quietRequestQueue } from './quietRequestQueue.js';

/** The port on kafkajs (pure JavaScript; one Kafka object per clientId so broker logs name each role). */
export class KafkajsClient implements KafkaClient {
  readonly name = 'kafkajs' as const;
  readonly sendConcurrency = 1;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly log: Logger,
  ) {}

  private kafka(clientId: string): Kafka {
    quietRequestQueue();
    return new Kafka({
      ...kafkajsConnectionConfig(this.connection),
      clientId,
      logLevel: logLevel.WARN,
      logCreator: kafkaLogCreator(this.log),
    });
  }

  producer(o: ProducerOptions): Promise<Producer> {
    return KafkajsProducer.connect(this.kafka(o.clientId), o);
  }

  groupConsumer(o: GroupConsumerOptions): GroupConsumer {
    return new KafkajsGroupConsumer(this.kafka(o.clientId), o, this.log);
  }

  transactionalProducer(consumer: GroupConsumer, o: TransactionalProducerOptions): Promise<TransactionalProducer> {
    if (!(consumer instanceof KafkajsGroupConsumer)) {
      return Promise.reject(kafkaError('KAF-002', new Error('consumer of another client'), 'transactional producer'));
    }
    return KafkajsTransactionalProducer.connect(this.kafka(o.clientId), consumer, o);
  }

  tail(o: TailOptions): TailReader {
    return new KafkajsTailReader(this.kafka(o.clientId), o, this.log);
  }
}
