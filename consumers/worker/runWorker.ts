import { batchControls } from '../kafka/batchControls.js';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, Partitioners, type Batch, type Message } from 'kafkajs';
import type { Logger } from 'pino';
import { checkIds } from '../../core/request/validateExecutionRequest.js';
import type { ParmanaError } from '../../core/errors/ParmanaError.js';
import { isParmanaError } from '../../core/errors/ParmanaError.js';
import type { AvroCodec } from '../codec/AvroCodec.js';
import type { DeciderTopics, DecodedRecord, ReplayBatchStore } from './RequestDecider.js';
import { RequestDecider } from './RequestDecider.js';
import type { OutcomeSigner } from './OutcomeSigner.js';
import type { PolicyResolver } from './ports.js';
import type { ExecutionRequestRecord, InboundRecord, OutboundMessage } from './records.js';
import { failClosed } from './failClosed.js';
import type { OverrideCommand, OverrideDecider } from './OverrideDecider.js';
import { GroupCommitter } from './GroupCommitter.js';
import { kafkaLogCreator } from '../kafka/kafkaLogCreator.js';

export interface WorkerOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly groupId: string;
  readonly requestsTopic: string;
  readonly maxRequestBytes: number;
  readonly overridesTopic: string;
  readonly topics: DeciderTopics;
  readonly codec: AvroCodec;
  readonly policies: PolicyResolver;
  readonly replay: ReplayBatchStore;
  readonly signer: OutcomeSigner;
  readonly overrides: OverrideDecider;
  readonly log: Logger;
  /** Records per Kafka transaction; the batch is split so heartbeats and commits keep flowing. */
  readonly chunkSize?: number;
  /**
   * Byte budget of one chunk's inputs. Outputs of one source partition land on one output partition (same key, same
   * partition count), so a chunk's outcomes form one record batch, which must stay under the broker's 1 MB limit.
   */
  readonly maxChunkBytes?: number;
  /** Partitions decided at the same time (one transactional producer each). */
  readonly concurrency?: number;
  readonly onPause?: (paused: boolean) => void;
}

export interface RunningWorker {
  stop(): Promise<void>;
  readonly stats: { decided: number; chunks: number };
}

// An outcome is its input plus a signed body of about 1 KB; this bounds a chunk's output by its inputs.
const OUTCOME_OVERHEAD_BYTES = 1_500;
const outcomeBytes = (m: { value: Buffer | null }): number => (m.value?.length ?? 0) * 2 + OUTCOME_OVERHEAD_BYTES;

/** Splits a fetched batch into chunks of at most `maxCount` records and about `maxBytes` of outcome bytes. */
export function chunks<T extends { value: Buffer | null }>(
  messages: readonly T[],
  maxCount: number,
  maxBytes: number,
): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = outcomeBytes(m);
    if (current.length > 0 && (current.length >= maxCount || bytes + size > maxBytes)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

function toInbound(batch: Batch, m: Batch['messages'][number]): InboundRecord {
  return {
    topic: batch.topic,
    partition: batch.partition,
    offset: m.offset,
    timestamp: m.timestamp,
    key: m.key,
    value: m.value,
  };
}

function validateEnvelope(r: ExecutionRequestRecord): ParmanaError | undefined {
  return checkIds(r);
}

/** The decision worker: a consumer group over the requests topic, one Kafka transaction per chunk of records. */
export async function runWorker(o: WorkerOptions): Promise<RunningWorker> {
  const kafka = new Kafka({
    brokers: [...o.brokers],
    clientId: o.clientId,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(o.log),
  });
  const consumer = kafka.consumer({
    groupId: o.groupId,
    readUncommitted: false,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    maxBytesPerPartition: 1_048_576,
  });
  // Partitions are decided concurrently (the path is latency-bound: Redis round trips and transaction commits), and
  // chunks ready at the same time share one transaction through the GroupCommitter. Fresh transactional id per
  // process: kafkajs cannot fence by consumer-group generation, and reusing an id across concurrently running members
  // would fence a healthy peer.
  const concurrency = o.concurrency ?? 12;
  const producer = kafka.producer({
    transactionalId: `${o.clientId}-${randomUUID()}`,
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    // The broker answers CONCURRENT_TRANSACTIONS while the previous commit's markers are still being written; that
    // clears in milliseconds, so retry fast instead of kafkajs's 300 ms first backoff (which dominated latency).
    retry: { initialRetryTime: 5, maxRetryTime: 500, retries: 50 },
  });
  const decider = new RequestDecider({
    policies: o.policies,
    replay: o.replay,
    signer: o.signer,
    topics: o.topics,
    validateEnvelope,
    maxRequestBytes: o.maxRequestBytes,
  });
  const chunkSize = o.chunkSize ?? 500;
  const maxChunkBytes = o.maxChunkBytes ?? 400_000;
  const stats = { decided: 0, chunks: 0 };
  let running = true;

  await producer.connect();
  const committer = new GroupCommitter(producer, o.groupId, maxChunkBytes, (ms) => sleep(ms));
  await consumer.connect();
  await consumer.subscribe({ topics: [o.requestsTopic, o.overridesTopic], fromBeginning: true });

  const decode = async (record: InboundRecord): Promise<DecodedRecord> => {
    try {
      const value = (await o.codec.decode(record.value)) as ExecutionRequestRecord;
      return { source: record, request: value };
    } catch (err) {
      if (isParmanaError(err) && !err.retriable) return { source: record, decodeError: err };
      throw err;
    }
  };

  // Commands are decided one by one (rare, human-paced); results on the same topic are the worker's own output.
  const decideOverrides = async (records: readonly InboundRecord[]): Promise<OutboundMessage[]> => {
    const out: OutboundMessage[] = [];
    for (const record of records) {
      const decoded = await decode(record);
      if ('decodeError' in decoded) {
        out.push(...(await decider.decide([decoded])));
        continue;
      }
      const message = decoded.request as unknown as { command: OverrideCommand | null };
      if (message.command !== null) out.push(await o.overrides.decide(record, message.command));
    }
    return out;
  };

  const encode = async (messages: readonly OutboundMessage[]): Promise<Map<string, Message[]>> => {
    const byTopic = new Map<string, Message[]>();
    for (const m of messages) {
      const value = m.raw !== undefined ? m.raw : await o.codec.encode(m.topic, m.value ?? {});
      const list = byTopic.get(m.topic) ?? [];
      list.push({ key: m.key, value, ...(m.headers === undefined ? {} : { headers: m.headers }) });
      byTopic.set(m.topic, list);
    }
    return byTopic;
  };

  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: concurrency,
    eachBatch: async (payload) => {
      const { batch } = payload;
      const { heartbeat, resolveOffset, isRunning, isStale } = batchControls(payload);
      for (const slice of chunks(batch.messages, chunkSize, maxChunkBytes)) {
        if (!isRunning() || isStale()) return;
        const chunk = slice.map((m) => toInbound(batch, m));
        const last = chunk.at(-1);
        if (last === undefined) return;
        const guard = {
          heartbeat,
          isRunning: () => running && isRunning(),
          log: o.log,
          ...(o.onPause === undefined ? {} : { onPause: o.onPause }),
        };
        const tStart = Date.now();
        const firstTs = Number(chunk[0]?.timestamp ?? tStart);
        const outputs =
          batch.topic === o.overridesTopic
            ? await failClosed(() => decideOverrides(chunk), { ...guard, what: 'replay store (redis)' })
            : await failClosed(async () => decider.decide(await Promise.all(chunk.map(decode))), {
                ...guard,
                what: 'replay store (redis) / schema registry',
              });
        const byTopic = await failClosed(() => encode(outputs), { ...guard, what: 'schema registry' });
        const tDecided = Date.now();
        await committer.commit({
          outputs: byTopic,
          source: { topic: batch.topic, partition: batch.partition, nextOffset: (BigInt(last.offset) + 1n).toString() },
          bytes: chunk.reduce((n, r) => n + outcomeBytes(r), 0),
        });
        // Where a request's latency goes: waiting to be fetched, deciding (Redis, signing), the Kafka transaction.
        o.log.debug(
          {
            partition: batch.partition,
            records: chunk.length,
            waitedMs: tStart - firstTs,
            decideMs: tDecided - tStart,
            commitMs: Date.now() - tDecided,
          },
          'chunk committed',
        );
        resolveOffset(last.offset);
        stats.decided += chunk.length;
        stats.chunks += 1;
        // kafkajs heartbeats only between batches; a batch of thousands would otherwise starve the session.
        await heartbeat();
      }
    },
  });

  return {
    stats,
    async stop() {
      running = false;
      // disconnect() waits for the in-flight batch to finish its transaction, then leaves the group.
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
