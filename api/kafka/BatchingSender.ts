import type { Message, Producer } from 'kafkajs';

interface Pending {
  readonly topic: string;
  readonly message: Message;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Natural batching for a request/reply server: while one send is in flight, new records queue up, and the next send
 * carries all of them (acks=all, idempotent producer). A lone request goes out at once; under load, one round trip
 * carries hundreds. Each caller's promise settles with its own record's fate.
 */
export class BatchingSender {
  private queue: Pending[] = [];
  private inFlight = false;

  constructor(
    private readonly producer: Producer,
    private readonly maxBatch = 1_000,
  ) {}

  send(topic: string, message: Message): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ topic, message, resolve, reject });
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
        const byTopic = new Map<string, Message[]>();
        for (const p of batch) {
          const list = byTopic.get(p.topic);
          if (list === undefined) byTopic.set(p.topic, [p.message]);
          else list.push(p.message);
        }
        try {
          await this.producer.sendBatch({
            acks: -1,
            topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
          });
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
