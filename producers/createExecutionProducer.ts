import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { ParmanaError } from '../core/errors/ParmanaError.js';
import { AvroCodec } from '../consumers/codec/AvroCodec.js';
import { validateExecutionRequest } from './validateExecutionRequest.js';

export interface ExecutionProducerOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly registryUrl: string;
  readonly topic: string;
  readonly maxRequestBytes: number;
  /** Supplies requestedAt when a request has none (producers are at the edge: they may read the clock). */
  readonly now?: () => Date;
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
  const kafka = new Kafka({ brokers: [...o.brokers], clientId: o.clientId, logLevel: logLevel.WARN });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
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
      await producer.connect();
    },
    async submit(request) {
      const m = await prepare(request, 0);
      const [meta] = await producer.send({ topic: o.topic, acks: -1, messages: [m] });
      if (meta === undefined) throw new Error('Kafka returned no metadata for the record');
      return { executionId: m.key, partition: meta.partition, offset: meta.baseOffset ?? meta.offset ?? '' };
    },
    async submitBatch(requests) {
      const prepared: { key: string; value: Buffer }[] = [];
      for (const [i, r] of requests.entries()) prepared.push(await prepare(r, i));
      if (prepared.length === 0) return { count: 0, partitions: [] };
      const meta = await producer.send({ topic: o.topic, acks: -1, messages: prepared });
      return {
        count: prepared.length,
        partitions: meta.map((m) => ({ partition: m.partition, baseOffset: m.baseOffset ?? '' })),
      };
    },
    async disconnect() {
      await producer.disconnect();
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
