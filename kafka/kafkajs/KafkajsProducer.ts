import { Partitioners, type Kafka, type Message, type Producer as JsProducer } from 'kafkajs';
import type { DeliveryReceipt, OutgoingRecord, Producer, ProducerOptions } from '../KafkaClient.js';
import { toKafkaError } from './toKafkaError.js';

/** Groups records by topic, keeping their order, as kafkajs's sendBatch wants them. */
export function byTopic(records: readonly OutgoingRecord[]): { topic: string; messages: Message[] }[] {
  const grouped = new Map<string, Message[]>();
  for (const r of records) {
    const message: Message = {
      key: r.key,
      value: r.value,
      ...(r.headers === undefined ? {} : { headers: { ...r.headers } }),
    };
    const list = grouped.get(r.topic);
    if (list === undefined) grouped.set(r.topic, [message]);
    else list.push(message);
  }
  return [...grouped].map(([topic, messages]) => ({ topic, messages }));
}

/** Idempotent kafkajs producer, acks=all, Java-compatible murmur2 partitioning. */
export class KafkajsProducer implements Producer {
  private constructor(private readonly producer: JsProducer) {}

  static async connect(kafka: Kafka, _o: ProducerOptions): Promise<KafkajsProducer> {
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    try {
      await producer.connect();
    } catch (err) {
      throw toKafkaError(err, 'producer connect');
    }
    return new KafkajsProducer(producer);
  }

  async send(records: readonly OutgoingRecord[]): Promise<DeliveryReceipt[]> {
    if (records.length === 0) return [];
    try {
      const meta = await this.producer.sendBatch({ acks: -1, topicMessages: byTopic(records) });
      return meta.map((m) => ({ topic: m.topicName, partition: m.partition, offset: m.baseOffset ?? '' }));
    } catch (err) {
      throw toKafkaError(err, 'produce');
    }
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}
