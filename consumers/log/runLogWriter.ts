import type { Logger } from 'pino';
import type { SigningPort } from '../../core/crypto/SigningPort.js';
import type { GroupConsumer, KafkaClient, KafkaRecord, Producer } from '../../kafka/KafkaClient.js';
import { BatchCycle, cycleHandler } from '../cycle/BatchCycle.js';
import type { AvroCodec } from '../../shared/codec/AvroCodec.js';
import type { LogAppendInput } from './LogAppendInput.js';
import type { LogAppender, SignedCheckpointRow } from './LogAppender.js';
import { toLogAppendInput, type OutcomeTopics } from './toLogAppendInput.js';

export interface LogWriterOptions {
  readonly kafka: KafkaClient;
  readonly codec: AvroCodec;
  readonly appender: LogAppender;
  readonly topics: OutcomeTopics & { readonly checkpoints: string };
  readonly clientId: string;
  readonly groupId: string;
  readonly origin: string;
  readonly signer: SigningPort;
  readonly checkpointIntervalMs: number;
  readonly checkpointEntries: number;
  /** How long a silent writer keeps its partitions (a killed writer's successor waits this long at most). */
  readonly sessionTimeoutMs?: number;
  readonly log: Logger;
}

export interface RunningLogWriter {
  readonly stats: { appended: number; duplicates: number; checkpoints: number };
  stop(): Promise<void>;
}

/**
 * The log writer: a consumer group over the outcome topics. The batches of every partition ready together (a cycle)
 * are appended in one Postgres transaction and only then are their offsets committed, so a crash re-delivers
 * batches whose entries are already logged: they are
 * skipped (unique leaf hash) and nothing gets a second index. Checkpoints are signed every interval or every N
 * entries, stored, then published; a failed publish is retried with the next one.
 */
export async function runLogWriter(o: LogWriterOptions): Promise<RunningLogWriter> {
  const stats = { appended: 0, duplicates: 0, checkpoints: 0 };
  const producer: Producer = await o.kafka.producer({ clientId: `${o.clientId}-log-checkpoints` });
  // The latest stored checkpoint may not have reached the topic before a crash: publish it again (readers take a
  // repeated note as what it is, the same checkpoint), then sign a new one if the log grew.
  let unpublished: SignedCheckpointRow | null = o.appender.latestCheckpoint;
  let stopping = false;

  async function checkpointNow(): Promise<void> {
    const signed = await o.appender.checkpoint(o.origin, o.signer);
    if (signed !== null) {
      stats.checkpoints += 1;
      unpublished = signed;
    }
    const pending = unpublished;
    if (pending === null) return;
    try {
      await producer.send([{ topic: o.topics.checkpoints, key: o.origin, value: Buffer.from(pending.note, 'utf8') }]);
      if (unpublished === pending) unpublished = null;
    } catch (err) {
      o.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'checkpoint publish failed; retrying');
    }
  }

  await checkpointNow();
  let ticking = Promise.resolve();
  const timer = setInterval(() => {
    ticking = ticking.then(checkpointNow).catch((err: unknown) => {
      o.log.error({ err: err instanceof Error ? err.message : String(err) }, 'checkpoint failed');
    });
  }, o.checkpointIntervalMs);

  const consumer: GroupConsumer = o.kafka.groupConsumer({
    clientId: `${o.clientId}-log-writer`,
    groupId: o.groupId,
    topics: [o.topics.attestations, o.topics.rejections, o.topics.overrides],
    fromBeginning: true,
    maxBatchRecords: 2000,
    // Every partition hands its batch to the next cycle: one Postgres transaction and one offset commit for all.
    concurrency: 1_000,
    // Off the request path, like the sinks: fewer, larger fetches and appends.
    minFetchBytes: 64 * 1024,
    lingerMs: 50,
    ...(o.sessionTimeoutMs === undefined
      ? {}
      : {
          sessionTimeoutMs: o.sessionTimeoutMs,
          heartbeatIntervalMs: Math.max(250, Math.floor(o.sessionTimeoutMs / 6)),
        }),
  });

  async function decode(records: readonly Omit<KafkaRecord, 'headers'>[]): Promise<LogAppendInput[]> {
    const out: LogAppendInput[] = [];
    for (const r of records) {
      const source = { topic: r.topic, partition: r.partition, offset: r.offset };
      let value: unknown;
      try {
        value = await o.codec.decode(r.value);
      } catch (err) {
        // The sinks dead-letter the same record; it is no signed outcome the log could commit to.
        o.log.warn({ ...source, err: err instanceof Error ? err.message : String(err) }, 'undecodable record skipped');
        continue;
      }
      const input = toLogAppendInput(o.topics, source, value);
      if (input !== undefined) out.push(input);
    }
    return out;
  }

  // A cycle appends the batches of every partition ready together in one transaction, then commits their offsets.
  // Cycles overlap (the next appends while the previous commits) only across partitions; a crash before the commit
  // re-delivers entries that are already logged, which the unique leaf hash skips.
  const cycles = new BatchCycle<void>(
    async (chunks) => {
      const inputs = (await Promise.all(chunks.map((c) => decode(c.records)))).flat();
      const result = await o.appender.append(inputs);
      stats.appended += result.appended;
      stats.duplicates += result.duplicates;
    },
    async (_, offsets) => {
      await consumer.commit(offsets);
      if (!stopping && o.appender.size - Math.max(0, o.appender.checkpointedSize) >= o.checkpointEntries) {
        ticking = ticking.then(checkpointNow).catch((err: unknown) => {
          o.log.error({ err: err instanceof Error ? err.message : String(err) }, 'checkpoint failed');
        });
      }
    },
    4 * 1_048_576,
  );

  await consumer.run(cycleHandler(cycles, (r) => r.value?.length ?? 0));

  return {
    stats,
    async stop() {
      stopping = true;
      await consumer.stop();
      clearInterval(timer);
      await ticking;
      await checkpointNow();
      await producer.disconnect();
    },
  };
}
