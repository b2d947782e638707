import type { Logger } from 'pino';
import { checkIds } from '../../core/request/validateExecutionRequest.js';
import type { ParmanaError } from '../../core/errors/ParmanaError.js';
import { isParmanaError } from '../../core/errors/ParmanaError.js';
import type { BatchContext, KafkaClient, KafkaRecord, OutgoingRecord, RecordBatch } from '../../kafka/KafkaClient.js';
import type { AvroCodec } from '../../shared/codec/AvroCodec.js';
import type { ReplayLedger } from '../replay/ReplayLedger.js';
import type { DeciderTopics, DecodedRecord, ReplayBatchStore } from './RequestDecider.js';
import { RequestDecider } from './RequestDecider.js';
import type { OutcomeSigner } from './OutcomeSigner.js';
import type { PolicyResolver } from './ports.js';
import type { ExecutionRequestRecord, InboundRecord, OutboundMessage } from './records.js';
import { failClosed } from './failClosed.js';
import type { OverrideCommand, OverrideDecider } from './OverrideDecider.js';
import { DecisionCycle, type CycleChunk } from './DecisionCycle.js';
import type { StageTimings } from './StageTimings.js';

export interface WorkerOptions {
  readonly kafka: KafkaClient;
  readonly clientId: string;
  readonly groupId: string;
  /** Static membership and a fixed transactional id (see PARMANA_INSTANCE_ID); unset: dynamic, fresh id. */
  readonly instanceId?: string;
  readonly requestsTopic: string;
  readonly maxRequestBytes: number;
  readonly overridesTopic: string;
  readonly topics: DeciderTopics;
  readonly codec: AvroCodec;
  readonly policies: PolicyResolver;
  readonly replay: ReplayBatchStore;
  /** The durable replay tier (see DeciderOptions.ledger). */
  readonly ledger?: ReplayLedger;
  readonly signer: OutcomeSigner;
  readonly overrides: OverrideDecider;
  readonly log: Logger;
  /** Records per Kafka transaction chunk at most. */
  readonly chunkSize?: number;
  /**
   * Byte budget of one chunk's inputs. Outputs of one source partition land on one output partition (same key, same
   * partition count), so a chunk's outcomes form one record batch, which must stay under the broker's 1 MB limit.
   */
  readonly maxChunkBytes?: number;
  /** Partitions whose chunks may wait for a cycle at the same time. */
  readonly concurrency?: number;
  /** Estimated output bytes of one cycle (one transaction) at most. */
  readonly maxCycleBytes?: number;
  /** Fetched-but-undecided bytes at most (memory bound). */
  readonly maxBytesInFlight?: number;
  readonly sessionTimeoutMs?: number;
  readonly transactionTimeoutMs?: number;
  readonly timings?: StageTimings;
  readonly onPause?: (paused: boolean) => void;
}

export interface RunningWorker {
  stop(): Promise<void>;
  readonly stats: { decided: number; chunks: number; cycles: number };
}

// An outcome is its input plus a signed body of about 1 KB; this bounds a chunk's output by its inputs.
const OUTCOME_OVERHEAD_BYTES = 1_500;
const outcomeBytes = (m: { value: Buffer | null }): number => (m.value?.length ?? 0) * 2 + OUTCOME_OVERHEAD_BYTES;

/** Splits a batch into chunks of at most `maxCount` records and about `maxBytes` of outcome bytes. */
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

function validateEnvelope(r: ExecutionRequestRecord): ParmanaError | undefined {
  return checkIds(r);
}

const toInbound = (r: KafkaRecord): InboundRecord => r;

/**
 * The decision worker: a consumer group over the requests and overrides topics. Each chunk is decided (Redis
 * reserve, evaluate, sign, Redis complete) and committed in one Kafka transaction with its source offset; chunks of
 * different partitions ready at the same time share a transaction (GroupCommitter).
 */
export async function runWorker(o: WorkerOptions): Promise<RunningWorker> {
  const clock = (): number => performance.now();
  const decider = new RequestDecider({
    policies: o.policies,
    replay: o.replay,
    ...(o.ledger === undefined ? {} : { ledger: o.ledger }),
    signer: o.signer,
    topics: o.topics,
    validateEnvelope,
    maxRequestBytes: o.maxRequestBytes,
    clock,
    ...(o.timings === undefined
      ? {}
      : {
          onStage: (stage: 'redis' | 'ledger' | 'sign', ms: number, n: number) => {
            o.timings?.record(stage, ms, n);
          },
        }),
  });
  const chunkSize = o.chunkSize ?? 500;
  const maxChunkBytes = o.maxChunkBytes ?? 400_000;
  const stats = { decided: 0, chunks: 0, cycles: 0 };
  let running = true;

  const consumer = o.kafka.groupConsumer({
    clientId: o.clientId,
    groupId: o.groupId,
    topics: [o.requestsTopic, o.overridesTopic],
    fromBeginning: true,
    concurrency: o.concurrency ?? 12,
    maxBatchRecords: chunkSize,
    maxBytesInFlight: o.maxBytesInFlight ?? 4 * 1_048_576,
    sessionTimeoutMs: o.sessionTimeoutMs ?? 3_000,
    heartbeatIntervalMs: Math.max(250, Math.floor((o.sessionTimeoutMs ?? 3_000) / 6)),
    // Half the default idle fetch wait: partitions taken over from a failed worker are first fetched when the fetch
    // in flight returns, which bounds what this adds to a failover.
    maxWaitMs: 500,
    ...(o.instanceId === undefined || o.instanceId === '' ? {} : { groupInstanceId: o.instanceId }),
  });

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

  const encode = async (messages: readonly OutboundMessage[]): Promise<OutgoingRecord[]> => {
    const out: OutgoingRecord[] = [];
    for (const m of messages) {
      const value = m.raw !== undefined ? m.raw : await o.codec.encode(m.topic, m.value ?? {});
      out.push({ topic: m.topic, key: m.key, value, ...(m.headers === undefined ? {} : { headers: m.headers }) });
    }
    return out;
  };

  // The transactional producer is bound to the consumer (its group metadata fences commits of a lost partition).
  // With a fixed instance id the transactional id is fixed too: initialising it aborts a dead predecessor's
  // transaction at once instead of letting it block read_committed readers until the transaction timeout.
  const producer = await o.kafka.transactionalProducer(consumer, {
    clientId: o.clientId,
    transactionalId:
      o.instanceId === undefined || o.instanceId === ''
        ? `${o.clientId}-${crypto.randomUUID()}`
        : `${o.groupId}-${o.instanceId}`,
    transactionTimeoutMs: o.transactionTimeoutMs ?? 3_000,
  });
  // One cycle decides the chunks of every partition that are ready, then commits them in one transaction.
  const decideCycle = async (cycle: readonly CycleChunk[]): Promise<OutgoingRecord[]> => {
    const first = cycle[0];
    const guard = {
      heartbeat: () => first?.context.heartbeat() ?? Promise.resolve(),
      isRunning: () => running && cycle.some((c) => c.context.isActive()),
      log: o.log,
      ...(o.onPause === undefined ? {} : { onPause: o.onPause }),
    };
    const now = Date.now();
    for (const c of cycle) {
      // Fetch wait: from the request's produce time (record timestamp) until its cycle starts.
      o.timings?.record('fetch wait', Math.max(0, now - Number(c.records[0]?.timestamp ?? now)), c.records.length);
    }
    const requests = cycle.filter((c) => c.topic !== o.overridesTopic).flatMap((c) => c.records);
    const commands = cycle.filter((c) => c.topic === o.overridesTopic).flatMap((c) => c.records);
    const outputs: OutboundMessage[] = [];
    if (requests.length > 0) {
      outputs.push(
        ...(await failClosed(
          async () => {
            const t = clock();
            const decoded = await Promise.all(requests.map(decode));
            o.timings?.record('decode', clock() - t, requests.length);
            return decider.decide(decoded);
          },
          { ...guard, what: 'replay store (redis) / replay ledger (postgres) / schema registry' },
        )),
      );
    }
    if (commands.length > 0) {
      outputs.push(...(await failClosed(() => decideOverrides(commands), { ...guard, what: 'replay store (redis)' })));
    }
    const t = clock();
    const records = await failClosed(() => encode(outputs), { ...guard, what: 'schema registry' });
    o.timings?.record('encode', clock() - t, requests.length + commands.length);
    return records;
  };
  const cycles = new DecisionCycle(decideCycle, producer, o.maxCycleBytes ?? 2 * maxChunkBytes, (r) => {
    o.timings?.record('cycle decide (all chunks)', r.decideMs, r.records);
    o.timings?.record('transaction', r.transactionMs, r.records);
    stats.cycles += 1;
  });

  const handle = async (batch: RecordBatch, context: BatchContext): Promise<void> => {
    for (const slice of chunks(batch.records, chunkSize, maxChunkBytes)) {
      if (!running || !context.isActive()) return;
      const records = slice.map(toInbound);
      const tStart = clock();
      await cycles.submit({
        topic: batch.topic,
        partition: batch.partition,
        records,
        context,
        bytes: records.reduce((n, r) => n + outcomeBytes(r), 0),
      });
      o.timings?.record('worker total (queue + cycle)', clock() - tStart, records.length);
      stats.decided += records.length;
      stats.chunks += 1;
    }
  };

  await consumer.run(handle).catch(async (err: unknown) => {
    await consumer.stop().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    throw err;
  });

  return {
    stats,
    async stop() {
      running = false;
      // Waits for running chunks to finish their transaction, then leaves the group.
      await consumer.stop();
      await producer.disconnect();
    },
  };
}
