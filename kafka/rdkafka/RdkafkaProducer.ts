import type { EventEmitter } from 'node:events';
import type { KafkaConnection } from '../KafkaConnection.js';
import rdkafka, { type DeliveryReport, type LibrdKafkaError, type MessageHeader } from 'node-rdkafka';
import type { Logger } from 'pino';
import type { DeliveryReceipt, OutgoingRecord, Producer, ProducerOptions } from '../KafkaClient.js';
import { baseConfig, wireLogging } from './wireLogging.js';
import { toKafkaError } from './toKafkaError.js';

const { ERR__PURGE_QUEUE: PURGE_QUEUE, ERR__PURGE_INFLIGHT: PURGE_INFLIGHT } = rdkafka.CODES.ERRORS;

/** One send() call waiting for its records' delivery reports. */
interface Pending {
  remaining: number;
  readonly receipts: Map<string, DeliveryReceipt>;
  failed: unknown;
  readonly resolve: (r: DeliveryReceipt[]) => void;
  readonly reject: (err: unknown) => void;
}

export function toHeaders(h: Readonly<Record<string, string>> | undefined): MessageHeader[] | undefined {
  return h === undefined ? undefined : Object.entries(h).map(([k, v]) => ({ [k]: v }));
}

export function connected<
  T extends { connect(o: object, cb: (err: LibrdKafkaError | null) => void): unknown; disconnect(): unknown },
>(client: T, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    // A refused password surfaces only as a log line (the connect itself then times out as a transport failure):
    // fail at once with the real reason.
    const events = client as unknown as EventEmitter;
    const onLog = (e: { readonly message: string }): void => {
      if (/SASL authentication (error|failed)/i.test(e.message)) {
        const err = Object.assign(new Error(e.message), {
          code: rdkafka.CODES.ERRORS.ERR__AUTHENTICATION,
          origin: 'kafka',
        });
        reject(toKafkaError(err, what));
        client.disconnect(); // librdkafka would otherwise keep retrying the same credentials
      }
    };
    events.on('event.log', onLog);
    client.connect({ timeout: 10_000 }, (err) => {
      events.removeListener('event.log', onLog);
      if (err) reject(toKafkaError(err, what));
      else resolve(client);
    });
  });
}

/**
 * Idempotent librdkafka producer (acks=all, murmur2 partitioning like Kafka's Java client and kafkajs). Delivery
 * reports are served by polling, and only while deliveries are outstanding: an idle producer costs nothing.
 */
export class RdkafkaProducer implements Producer {
  private outstanding = 0;
  private polling: NodeJS.Timeout | undefined;

  /** A broker refusal seen as an error event (an idempotent producer denied its producer id purges its queue). */
  private refusal: LibrdKafkaError | undefined;

  private constructor(private readonly producer: rdkafka.Producer) {
    producer.on('delivery-report', (err: LibrdKafkaError | null, report: DeliveryReport) => {
      this.delivered(err, report);
    });
    producer.on('event.error', (err: LibrdKafkaError) => {
      // node-rdkafka reports this fatal error with code -1: the broker's reason is in the message.
      if (/authorization failed/i.test(err.message)) this.refusal = err;
    });
  }

  static async connect(connection: KafkaConnection, o: ProducerOptions, log: Logger): Promise<RdkafkaProducer> {
    const producer = new rdkafka.Producer(
      {
        ...baseConfig(connection, o.clientId),
        'enable.idempotence': true,
        'linger.ms': o.lingerMs ?? 0,
        dr_cb: true,
      },
      // Java-compatible key hashing, as kafkajs and every other client of these topics.
      // A send that cannot be delivered within 30 s fails (KAF-001) instead of hanging.
      { partitioner: 'murmur2_random', 'message.timeout.ms': 30_000 },
    );
    wireLogging(producer, log, 'producer');
    await connected(producer, 'producer connect');
    return new RdkafkaProducer(producer);
  }

  send(records: readonly OutgoingRecord[]): Promise<DeliveryReceipt[]> {
    if (records.length === 0) return Promise.resolve([]);
    return new Promise<DeliveryReceipt[]>((resolve, reject) => {
      const pending: Pending = { remaining: records.length, receipts: new Map(), failed: undefined, resolve, reject };
      for (const [i, r] of records.entries()) {
        try {
          this.producer.produce(r.topic, null, r.value, r.key ?? undefined, null, pending, toHeaders(r.headers));
          this.outstanding += 1;
        } catch (err) {
          // Records already queued still report; the call fails once they have.
          pending.failed = toKafkaError(err, 'produce');
          pending.remaining -= records.length - i;
          break;
        }
      }
      this.settle(pending);
      this.poll();
    });
  }

  private poll(): void {
    if (this.polling !== undefined || this.outstanding === 0) return;
    this.polling = setTimeout(() => {
      this.polling = undefined;
      this.producer.poll();
      this.poll();
    }, 1);
  }

  private delivered(err: LibrdKafkaError | null, report: DeliveryReport): void {
    this.outstanding -= 1;
    const pending = report.opaque as Pending;
    pending.remaining -= 1;
    if (err) pending.failed ??= toKafkaError(this.purgedBy(err), 'delivery');
    else {
      const key = `${report.topic}:${report.partition}`;
      const known = pending.receipts.get(key);
      if (known === undefined || BigInt(known.offset) > BigInt(report.offset)) {
        pending.receipts.set(key, { topic: report.topic, partition: report.partition, offset: String(report.offset) });
      }
    }
    this.settle(pending);
  }

  /** A record purged from the queue failed for the refusal that stopped the producer, when there was one. */
  private purgedBy(err: LibrdKafkaError): LibrdKafkaError {
    const purged = err.code === PURGE_QUEUE || err.code === PURGE_INFLIGHT || /purged/i.test(err.message);
    return purged && this.refusal !== undefined ? this.refusal : err;
  }

  private settle(p: Pending): void {
    if (p.remaining > 0) return;
    if (p.failed !== undefined) p.reject(p.failed);
    else p.resolve([...p.receipts.values()]);
  }

  disconnect(): Promise<void> {
    return new Promise((resolve) => {
      this.producer.flush(10_000, () => {
        this.producer.poll();
        clearTimeout(this.polling);
        this.producer.disconnect(() => {
          resolve();
        });
      });
    });
  }
}
