import type { Logger } from 'pino';
import { createKafkaAdmin } from '../../kafka/createKafkaAdmin.js';
import type { KafkaConnection } from '../../kafka/KafkaConnection.js';
import type { KafkaClient } from '../../kafka/KafkaClient.js';
import type { AvroCodec } from '../../shared/codec/AvroCodec.js';
import { fetchConsumerLag, type LagTarget } from './consumerLag.js';
import {
  heartbeatKey,
  type ConsumerLag,
  type Heartbeat,
  type HeartbeatComponent,
} from '../../shared/heartbeat/Heartbeat.js';

export interface HeartbeatOptions {
  readonly kafka: KafkaClient;
  /** For the admin connection that reads consumer lag. */
  /** For the admin client that reads the group's lag (the process's own principal). */
  readonly kafkaConnection: KafkaConnection;
  readonly clientId: string;
  readonly topic: string;
  readonly codec: AvroCodec;
  readonly component: HeartbeatComponent;
  readonly instanceId: string;
  /** Groups whose lag each beat reports. */
  readonly lagTargets: readonly LagTarget[];
  /** Read at every beat: paused while the process fails closed; processed is a running counter. */
  readonly state: () => { readonly status: 'running' | 'paused'; readonly processed: number };
  /** The signing key in use, read at every beat (null while the signing device is failing). */
  readonly signerKeyId?: string | (() => string | null);
  readonly trustRootVersion?: number;
  readonly runtimeVersion?: string;
  readonly now: () => Date;
  readonly log: Logger;
  /** Default 5 s. */
  readonly intervalMs?: number;
}

export interface RunningHeartbeats {
  /** Publishes a last beat with status "stopped" and disconnects; never throws. */
  stop(): Promise<void>;
}

const DEFAULT_INTERVAL_MS = 5_000;
const LAG_EVERY_IDLE_BEATS = 6;

/**
 * Publishes one Avro heartbeat now and then every interval, so readers that never touch Redis or Postgres (the API)
 * can tell liveness, the signing key in use and consumer lag. A failed beat is logged and the next one tried: a
 * heartbeat problem never stops or slows the process it reports on. Throws only if Kafka cannot be reached at start.
 */
export async function publishHeartbeats(o: HeartbeatOptions): Promise<RunningHeartbeats> {
  const intervalMs = o.intervalMs ?? DEFAULT_INTERVAL_MS;
  const producer = await o.kafka.producer({ clientId: `${o.clientId}-heartbeat` });
  const admin = createKafkaAdmin(o.kafkaConnection, `${o.clientId}-heartbeat`);
  try {
    await admin.connect();
  } catch (err) {
    await producer.disconnect().catch(() => undefined);
    throw err;
  }

  const lag = async (): Promise<ConsumerLag[]> => {
    try {
      return await fetchConsumerLag(admin, o.lagTargets);
    } catch (err) {
      // Lag is a nice-to-have: the beat still says the process is alive.
      o.log.debug({ err: err instanceof Error ? err.message : String(err) }, 'heartbeat: consumer lag unavailable');
      return [];
    }
  };

  // An idle process at lag 0 asks for lag every LAG_EVERY_IDLE_BEATS beats only: each query is a round of
  // offset and metadata requests to the brokers. Busy, paused or lagging, it asks at every beat.
  let lastLag: ConsumerLag[] = [];
  let lastProcessed = -1;
  let beatsSinceLag = LAG_EVERY_IDLE_BEATS;
  const lagFor = async (state: { status: string; processed: number }, stopped: boolean): Promise<ConsumerLag[]> => {
    const idle =
      !stopped &&
      state.status === 'running' &&
      state.processed === lastProcessed &&
      lastLag.every((l) => l.lag === 0) &&
      beatsSinceLag < LAG_EVERY_IDLE_BEATS;
    lastProcessed = state.processed;
    if (idle) {
      beatsSinceLag += 1;
      return lastLag;
    }
    beatsSinceLag = 1;
    lastLag = await lag();
    return lastLag;
  };

  const beat = async (stopped: boolean): Promise<void> => {
    try {
      const state = o.state();
      const heartbeat: Heartbeat = {
        component: o.component,
        instanceId: o.instanceId,
        at: o.now().toISOString(),
        intervalMs,
        status: stopped ? 'stopped' : state.status,
        signerKeyId: typeof o.signerKeyId === 'function' ? o.signerKeyId() : (o.signerKeyId ?? null),
        trustRootVersion: o.trustRootVersion ?? null,
        runtimeVersion: o.runtimeVersion ?? null,
        lag: await lagFor(state, stopped),
        processed: state.processed,
      };
      await producer.send([
        { topic: o.topic, key: heartbeatKey(heartbeat), value: await o.codec.encode(o.topic, heartbeat) },
      ]);
    } catch (err) {
      o.log.warn({ err: err instanceof Error ? err.message : String(err), topic: o.topic }, 'heartbeat not published');
    }
  };

  // A chain of timeouts rather than an interval: a slow beat (lag query, broker hiccup) never overlaps the next.
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let stopping = false;
  let stopped: Promise<void> | undefined;
  const tick = (): void => {
    inFlight = beat(false).finally(() => {
      if (stopping) return;
      timer = setTimeout(tick, intervalMs);
      // Heartbeats alone never keep a process alive.
      timer.unref();
    });
  };
  tick();

  return {
    stop() {
      stopped ??= (async () => {
        stopping = true;
        clearTimeout(timer);
        await inFlight;
        await beat(true);
        await producer.disconnect().catch(() => undefined);
        await admin.disconnect().catch(() => undefined);
      })();
      return stopped;
    },
  };
}
