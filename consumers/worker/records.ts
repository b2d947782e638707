import type { KafkaRecord } from '../../kafka/KafkaClient.js';

/**
 * A record as consumed from the requests topic, before decoding (the port's record without its headers). Its
 * timestamp (epoch ms as a string) is the deterministic "when" of events derived from the record.
 */
export type InboundRecord = Omit<KafkaRecord, 'headers'>;

/** The decoded execution request (schemas/execution-request.avsc). */
export interface ExecutionRequestRecord {
  readonly executionId: string;
  readonly policyId: string;
  readonly policyVersion: string;
  readonly signals: string;
  readonly requestedAt: string;
  readonly requestedBy: string | null;
  readonly traceparent: string | null;
}

/** A message the worker emits; `value` is Avro-encoded for its topic unless `raw` bytes are given (dead letters). */
export interface OutboundMessage {
  readonly topic: string;
  readonly key: string | Buffer | null;
  readonly value?: object;
  readonly raw?: Buffer | null;
  readonly headers?: Readonly<Record<string, string>>;
}

export function sourceOf(record: InboundRecord): string {
  return `${record.topic}:${record.partition}:${record.offset}`;
}

export function recordTimeIso(record: InboundRecord): string {
  const ms = Number(record.timestamp);
  return new Date(Number.isFinite(ms) ? ms : 0).toISOString();
}
