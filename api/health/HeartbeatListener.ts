import type { Logger } from 'pino';
import type { KafkaClient, TailReader } from '../../kafka/KafkaClient.js';
import { AvroCodec } from '../../shared/codec/AvroCodec.js';
import { heartbeatKey, toHeartbeat, type Heartbeat } from '../../shared/heartbeat/Heartbeat.js';

export type { ConsumerLag, Heartbeat, HeartbeatComponent, HeartbeatStatus } from '../../shared/heartbeat/Heartbeat.js';

export interface HeartbeatListenerOptions {
  readonly kafka: KafkaClient;
  readonly clientId: string;
  readonly registryUrl: string;
  readonly topic: string;
  readonly log?: Logger;
}

/**
 * The latest heartbeat of every worker and sinks process, read from the compacted heartbeats topic: how the API
 * reports liveness, signing key and lag without touching Redis. Each listener reads from the beginning and never
 * commits, so every API instance sees every beat and leaves no offsets behind.
 */
export class HeartbeatListener {
  private readonly reader: TailReader;
  private readonly codec: AvroCodec;
  private readonly byKey = new Map<string, Heartbeat>();

  constructor(private readonly o: HeartbeatListenerOptions) {
    this.reader = o.kafka.tail({ clientId: `${o.clientId}-heartbeats`, topics: [o.topic], from: 'earliest' });
    this.codec = new AvroCodec(o.registryUrl);
  }

  async start(): Promise<void> {
    await this.reader.start(async (records) => {
      for (const message of records) {
        const key = message.key?.toString('utf8');
        // A tombstone removes the instance (compaction then forgets it too).
        if (message.value === null) {
          if (key !== undefined) this.byKey.delete(key);
          continue;
        }
        let heartbeat: Heartbeat | undefined;
        try {
          heartbeat = toHeartbeat(await this.codec.decode(message.value));
        } catch (err) {
          // A bad record (or a registry blip) costs one beat, never the listener: the next beat replaces it.
          this.o.log?.warn({ err: err instanceof Error ? err.message : String(err), key }, 'heartbeat not decoded');
          continue;
        }
        if (heartbeat === undefined) {
          this.o.log?.debug({ key }, 'heartbeat of an unknown shape skipped');
          continue;
        }
        this.byKey.set(heartbeatKey(heartbeat), heartbeat);
      }
    });
  }

  async stop(): Promise<void> {
    await this.reader.stop();
  }

  /** The latest beat per component:instanceId, ordered by key; stale ones are the caller's call (see intervalMs). */
  latest(): readonly Heartbeat[] {
    return [...this.byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, h]) => h);
  }
}
