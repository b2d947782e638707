/** One record of the heartbeats topic (schemas/heartbeat.avsc). */
export type HeartbeatComponent = 'worker' | 'sinks';
export type HeartbeatStatus = 'running' | 'paused' | 'stopped';

export interface ConsumerLag {
  readonly groupId: string;
  readonly topic: string;
  readonly lag: number;
}

export interface Heartbeat {
  readonly component: HeartbeatComponent;
  readonly instanceId: string;
  /** ISO 8601. */
  readonly at: string;
  readonly intervalMs: number;
  readonly status: HeartbeatStatus;
  readonly signerKeyId: string | null;
  readonly trustRootVersion: number | null;
  readonly runtimeVersion: string | null;
  readonly lag: readonly ConsumerLag[];
  /** Requests decided (worker) or rows written (sinks) since the process started. */
  readonly processed: number;
}

const COMPONENTS: readonly string[] = ['worker', 'sinks'] satisfies HeartbeatComponent[];
const STATUSES: readonly string[] = ['running', 'paused', 'stopped'] satisfies HeartbeatStatus[];

/** The record key: one compacted entry per process. */
export function heartbeatKey(h: Pick<Heartbeat, 'component' | 'instanceId'>): string {
  return `${h.component}:${h.instanceId}`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const nullable = <T>(v: unknown, check: (x: unknown) => x is T): v is T | null => v === null || check(v);
const isString = (x: unknown): x is string => typeof x === 'string';
const isInt = (x: unknown): x is number => Number.isSafeInteger(x);

/**
 * A decoded Avro value as a plain Heartbeat, or undefined when it is not one. The schema only says "string" for
 * component and status (so new values stay compatible); a reader that does not know a value skips the record.
 */
export function toHeartbeat(value: unknown): Heartbeat | undefined {
  if (!isRecord(value)) return undefined;
  const {
    component,
    instanceId,
    at,
    intervalMs,
    status,
    signerKeyId,
    trustRootVersion,
    runtimeVersion,
    lag,
    processed,
  } = value;
  if (!isString(component) || !COMPONENTS.includes(component)) return undefined;
  if (!isString(status) || !STATUSES.includes(status)) return undefined;
  if (!isString(instanceId) || !isString(at) || !isInt(intervalMs) || !isInt(processed)) return undefined;
  if (!nullable(signerKeyId, isString) || !nullable(runtimeVersion, isString)) return undefined;
  if (!nullable(trustRootVersion, isInt) || !Array.isArray(lag)) return undefined;
  const entries: ConsumerLag[] = [];
  for (const e of lag as unknown[]) {
    if (!isRecord(e) || !isString(e.groupId) || !isString(e.topic) || !isInt(e.lag)) return undefined;
    entries.push({ groupId: e.groupId, topic: e.topic, lag: e.lag });
  }
  return {
    component: component as HeartbeatComponent,
    instanceId,
    at,
    intervalMs,
    status: status as HeartbeatStatus,
    signerKeyId,
    trustRootVersion,
    runtimeVersion,
    lag: entries,
    processed,
  };
}
