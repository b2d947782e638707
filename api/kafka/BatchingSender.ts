import type { OutgoingRecord, Producer } from '../../kafka/KafkaClient.js';

interface Pending {
  readonly record: OutgoingRecord;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Natural batching for a request/reply server: while one send is in flight, new records queue up, and the next send
 * carries all of them (acks=all, idempotent producer). A lone request goes out at once; under load, one round trip
 * carries hundreds. Each caller's promise settles with its own record's fate (a failed send fails all its callers).
 */
export class BatchingSender {
  private queue: Pending[] = [];
  private inFlight = false;

  constructor(
    private readonly producer: Producer,
    private readonly maxBatch = 1_000,
  ) {}

  send(record: OutgoingRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      if (!this.inFlight) void this.drain();
    });
  }

  /** Resolves once everything queued so far has been sent or has failed. */
  async flush(): Promise<void> {
    while (this.inFlight || this.queue.length > 0) {
      if (!this.inFlight) void this.drain();
      await new Promise((r) => setImmediate(r));
    }
  }

  private async drain(): Promise<void> {
    this.inFlight = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.slice(0, this.maxBatch);
        this.queue = this.queue.slice(batch.length);
        try {
          await this.producer.send(batch.map((p) => p.record));
          for (const p of batch) p.resolve();
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.inFlight = false;
    }
  }
}
