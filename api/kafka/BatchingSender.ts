import type { OutgoingRecord, Producer } from '../../kafka/KafkaClient.js';

interface Pending {
  readonly record: OutgoingRecord;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Natural batching for a request/reply server: a record goes out at once while fewer than `maxInFlight` sends are
 * outstanding; otherwise it queues, and the next send carries everything queued (acks=all, idempotent producer).
 * Under load one round trip carries hundreds of records. `maxInFlight` is the client's useful send concurrency
 * (kafkajs serialises requests per broker: 1; librdkafka pipelines them). Each caller's promise settles with its own
 * record's fate (a failed send fails all its callers).
 */
export class BatchingSender {
  private queue: Pending[] = [];
  private inFlight = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly producer: Producer,
    private readonly maxBatch = 1_000,
    private readonly maxInFlight = 1,
  ) {}

  send(record: OutgoingRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      this.pump();
    });
  }

  /** Resolves once everything queued so far has been sent or has failed. */
  flush(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight += 1;
      this.producer
        .send(batch.map((p) => p.record))
        .then(
          () => {
            for (const p of batch) p.resolve();
          },
          (err: unknown) => {
            for (const p of batch) p.reject(err);
          },
        )
        .finally(() => {
          this.inFlight -= 1;
          this.pump();
          if (this.inFlight === 0 && this.queue.length === 0) for (const r of this.idle.splice(0)) r();
        });
    }
  }
}
