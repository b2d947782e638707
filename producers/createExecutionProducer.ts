import type { KafkaSasl } from '../kafka/KafkaConnection.js';
import { pino, type Logger } from 'pino';
import { ParmanaError } from '../core/errors/ParmanaError.js';
import { AvroCodec } from '../shared/codec/AvroCodec.js';
import { createKafkaClient } from '../kafka/createKafkaClient.js';
import type { KafkaClientName, Producer } from '../kafka/KafkaClient.js';
import { validateExecutionRequest } from './validateExecutionRequest.js';

export interface ExecutionProducerOptions {
  readonly brokers: readonly string[];
  /** SCRAM credentials of this client's principal, when the brokers require authentication. */
  readonly sasl?: KafkaSasl | undefined;
  readonly clientId: string;
  readonly registryUrl: string;
  readonly topic: string;
  readonly maxRequestBytes: number;
  /** Supplies requestedAt when a request has none (producers are at the edge: they may read the clock). */
  readonly now?: () => Date;
  /** Kafka client library (default rdkafka). */
  readonly kafkaClient?: KafkaClientName;
  /** Where client warnings go (default: pino at warn level on stdout). */
  readonly log?: Logger;
}

export interface SubmitReceipt {
  readonly executionId: string;
  readonly partition: number;
  readonly offset: string;
}

export interface BatchReceipt {
  readonly count: number;
  readonly partitions: readonly { partition: number; baseOffset: string }[];
}

export interface ExecutionProducer {
  connect(): Promise<void>;
  /** Validates, encodes and produces one request; resolves once every in-sync replica has acknowledged it. */
  submit(request: unknown): Promise<SubmitReceipt>;
  /** All requests are validated first: one bad request refuses the whole batch, nothing is sent. */
  submitBatch(requests: readonly unknown[]): Promise<BatchReceipt>;
  disconnect(): Promise<void>;
}

/** Upstream SDK: execution requests onto the requests topic, keyed by executionId, idempotent, acks=all. */
export function createExecutionProducer(o: ExecutionProducerOptions): ExecutionProducer {
  let producer: Producer | undefined;
  const connected = (): Producer => {
    if (producer === undefined) throw new ParmanaError('KAF-002', { detail: 'call connect() first' });
    return producer;
  };
  const codec = new AvroCodec(o.registryUrl);
  const now = o.now ?? (() => new Date());

  const prepare = async (raw: unknown, index: number): Promise<{ key: string; value: Buffer }> => {
    const checked = validateExecutionRequest(raw, { maxRequestBytes: o.maxRequestBytes });
    if (!checked.ok) throw withIndex(checked.error, index);
    const { request: r, signalsJson: signals } = checked;
    const value = await codec.encode(o.topic, {
      executionId: r.executionId,
      policyId: r.policyId,
      policyVersion: r.policyVersion,
      signals,
      requestedAt: r.requestedAt ?? now().toISOString(),
      requestedBy: r.requestedBy ?? null,
      traceparent: r.traceparent ?? null,
    });
    // Checked again on the real bytes: the registry's latest schema may have grown since the size was computed.
    if (value.length > o.maxRequestBytes) {
      throw withIndex(
        new ParmanaError('REQ-008', { path: '$', detail: `${value.length} > ${o.maxRequestBytes} bytes` }),
        index,
      );
    }
    return { key: r.executionId, value };
  };

  return {
    async connect() {
      if (producer !== undefined) return;
      const log = o.log ?? pino({ name: o.clientId, level: 'warn' });
      const kafka = await createKafkaClient(
        { kafka: { brokers: o.brokers, sasl: o.sasl }, kafkaClient: o.kafkaClient ?? 'rdkafka' },
        log,
      );
      producer = await kafka.producer({ clientId: o.clientId, lingerMs: 2 });
    },
    async submit(request) {
      const m = await prepare(request, 0);
      const [meta] = await connected().send([{ topic: o.topic, ...m }]);
      if (meta === undefined) throw new ParmanaError('KAF-001', { detail: 'Kafka returned no receipt for the record' });
      return { executionId: m.key, partition: meta.partition, offset: meta.offset };
    },
    async submitBatch(requests) {
      const prepared: { key: string; value: Buffer }[] = [];
      for (const [i, r] of requests.entries()) prepared.push(await prepare(r, i));
      if (prepared.length === 0) return { count: 0, partitions: [] };
      const receipts = await connected().send(prepared.map((m) => ({ topic: o.topic, ...m })));
      return {
        count: prepared.length,
        partitions: receipts.map((r) => ({ partition: r.partition, baseOffset: r.offset })),
      };
    },
    async disconnect() {
      await producer?.disconnect();
      producer = undefined;
    },
  };
}

function withIndex(err: ParmanaError, index: number): ParmanaError {
  return new ParmanaError(err.code, {
    path: `[${index}]${(err.path ?? '$').slice(1)}`,
    ...(err.detail === undefined ? {} : { detail: err.detail }),
    cause: err,
  });
}
