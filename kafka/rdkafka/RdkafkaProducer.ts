import type { EventEmitter } from 'node:events';
import type { KafkaConnection } from '../KafkaConnection.js';
import rdkafka, { type DeliveryReport, type LibrdKafkaError, type MessageHeader } from 'node-rdkafka';
import type { Logger } from 'pino';
import type { DeliveryReceipt, OutgoingRecord, Producer, ProducerOptions } from '../KafkaClient.js';
import { baseConfig, wireLogging } from './wireLogging.js';
import { toKafkaError } from './toKafkaError.js';

const { ERR__PURGE_QUEUE: PURGE_QUEUE, ERR__PURGE_INFLIGHT: PURGE_INFLIGHT, ERR__FATAL: FATAL } = rdkafka.CODES.ERRORS;

// How long a send that failed because the producer stopped waits for the error event that says why (it is emitted
// on another queue, sometimes after the failure): the code is then the refusal's (KAF-006), not a bare KAF-002.
const REFUSAL_WAIT_MS = 2_000;

/** One send() call waiting for its records' delivery reports. */
interface Pending {
  remaining: number;
  readonly receipts: Map<string, DeliveryReceipt>;
  /** The first failure, classified once every record has reported. */
  failed: { readonly err: unknown; readonly what: string } | undefined;
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
  private refused: () => void = () => undefined;
  private readonly refusalSeen = new Promise<void>((resolve) => {
    this.refused = resolve;
  });

  private constructor(private readonly producer: rdkafka.Producer) {
    producer.on('delivery-report', (err: LibrdKafkaError | null, report: DeliveryReport) => {
      this.delivered(err, report);
    });
    producer.on('event.error', (err: LibrdKafkaError) => {
      // node-rdkafka reports this fatal error with code -1: the broker's reason is in the message.
      if (/authorization failed/i.test(err.message)) {
        this.refusal = err;
        this.refused();
      }
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
    // Listening before connecting: a refused producer id can fail the producer right after the connect.
    const wrapped = new RdkafkaProducer(producer);
    await connected(producer, 'producer connect');
    return wrapped;
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
          pending.failed = { err, what: 'produce' };
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
    if (err) pending.failed ??= { err, what: 'delivery' };
    else {
      const key = `${report.topic}:${report.partition}`;
      const known = pending.receipts.get(key);
      if (known === undefined || BigInt(known.offset) > BigInt(report.offset)) {
        pending.receipts.set(key, { topic: report.topic, partition: report.partition, offset: String(report.offset) });
      }
    }
    this.settle(pending);
  }

  /** Whether the record failed because the producer stopped (its queue purged, or a fatal error) rather than alone. */
  private static stopped(err: unknown): boolean {
    if (typeof err !== 'object' || err === null) return false;
    const e = err as Partial<LibrdKafkaError>;
    return e.code === PURGE_QUEUE || e.code === PURGE_INFLIGHT || e.code === FATAL || /purged/i.test(e.message ?? '');
  }

  /** A record that failed because the producer stopped failed for the refusal that stopped it, when there was one. */
  private async classify(f: { readonly err: unknown; readonly what: string }): Promise<unknown> {
    if (!RdkafkaProducer.stopped(f.err)) return toKafkaError(f.err, f.what);
    if (this.refusal === undefined) {
      // Error events are served by poll(), which runs only while deliveries are outstanding: poll until it arrives.
      let timer: NodeJS.Timeout | undefined;
      const polling = setInterval(() => {
        this.producer.poll();
      }, 10);
      await Promise.race([
        this.refusalSeen,
        new Promise((resolve) => {
          timer = setTimeout(resolve, REFUSAL_WAIT_MS);
        }),
      ]);
      clearTimeout(timer);
      clearInterval(polling);
    }
    return toKafkaError(this.refusal ?? f.err, f.what);
  }

  private settle(p: Pending): void {
    if (p.remaining > 0) return;
    const failed = p.failed;
    if (failed === undefined) p.resolve([...p.receipts.values()]);
    else void this.classify(failed).then(p.reject);
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
