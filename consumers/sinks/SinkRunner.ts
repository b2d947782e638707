import { batchControls } from '../kafka/batchControls.js';
import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import type pg from 'pg';
import type { Logger } from 'pino';
import { isParmanaError } from '../../core/errors/ParmanaError.js';
import type { AvroCodec } from '../codec/AvroCodec.js';
import { failClosed } from '../worker/failClosed.js';
import type { Projection, RecordSource } from './Projection.js';

export interface SinkOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly groupPrefix: string;
  readonly deadLetterTopic: string;
  readonly codec: AvroCodec;
  readonly pool: pg.Pool;
  readonly log: Logger;
  /** Called with true while the sink fails closed (Postgres or the registry down), false when it resumes. */
  readonly onPause?: (paused: boolean) => void;
}

export interface RunningSink {
  readonly name: string;
  /** The consumer group and topic, for lag reporting. */
  readonly groupId: string;
  readonly topic: string;
  readonly stats: { rows: number; batches: number };
  stop(): Promise<void>;
}

// Connection-level failures (server down, restarting, network) are waited out; anything else is a bug or bad data.
const RETRIABLE_PG = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300']);

class RetriableDbError extends Error {
  readonly retriable = true;
}

function asRetriable(err: unknown): unknown {
  const code = (err as { code?: string } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (
    (code !== undefined && (RETRIABLE_PG.has(code) || code === 'ECONNREFUSED' || code === 'ECONNRESET')) ||
    /Connection terminated|connect ECONNREFUSED|timeout/i.test(message)
  ) {
    return new RetriableDbError(message, { cause: err });
  }
  return err;
}

/**
 * One projection's consumer group: decode a batch, write it in ONE Postgres transaction (COPY to staging, then
 * INSERT ... ON CONFLICT DO NOTHING), and only after COMMIT commit the Kafka offsets. A crash in between redelivers
 * the batch, which the conflict clause turns into a no-op: no row missing, none duplicated.
 */
export async function runSink(projection: Projection, o: SinkOptions): Promise<RunningSink> {
  const kafka = new Kafka({
    brokers: [...o.brokers],
    clientId: `${o.clientId}-sink-${projection.name}`,
    logLevel: logLevel.WARN,
  });
  const groupId = `${o.groupPrefix}-sink-${projection.name}`;
  const consumer: Consumer = kafka.consumer({
    groupId,
    readUncommitted: false,
    sessionTimeout: 30_000,
  });
  const dlq: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const stats = { rows: 0, batches: 0 };
  let running = true;
  await dlq.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [projection.topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async (payload) => {
      const { batch } = payload;
      const { heartbeat, resolveOffset, isRunning, isStale } = batchControls(payload);
      const last = batch.messages.at(-1);
      if (last === undefined || isStale()) return;
      const guard = {
        heartbeat,
        isRunning: () => running && isRunning(),
        log: o.log,
        ...(o.onPause === undefined ? {} : { onPause: o.onPause }),
      };
      const decoded: { source: RecordSource; value: unknown }[] = [];
      const dead: { key: Buffer | null; value: Buffer | null; headers: Record<string, string> }[] = [];
      for (const m of batch.messages) {
        const source = { topic: batch.topic, partition: batch.partition, offset: m.offset };
        try {
          decoded.push({
            source,
            value: await failClosed(() => o.codec.decode(m.value), { ...guard, what: 'schema registry' }),
          });
        } catch (err) {
          if (!isParmanaError(err)) throw err;
          dead.push({
            key: m.key,
            value: m.value,
            headers: {
              'parmana-dlq-reason': err.code,
              'parmana-dlq-detail': err.message.slice(0, 1000),
              'parmana-dlq-source-topic': batch.topic,
              'parmana-dlq-source-partition': String(batch.partition),
              'parmana-dlq-source-offset': m.offset,
            },
          });
        }
      }
      if (dead.length > 0) await dlq.send({ topic: o.deadLetterTopic, acks: -1, messages: dead });
      const written = await failClosed(
        async () => {
          let client: pg.PoolClient | undefined;
          try {
            client = await o.pool.connect();
            await client.query('BEGIN');
            const n = await projection.write(client, decoded);
            await client.query('COMMIT');
            return n;
          } catch (err) {
            await client?.query('ROLLBACK').catch(() => undefined);
            throw asRetriable(err);
          } finally {
            client?.release();
          }
        },
        { ...guard, what: 'audit database (postgres)' },
      );
      await consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
      ]);
      resolveOffset(last.offset);
      stats.rows += written;
      stats.batches += 1;
      await heartbeat();
    },
  });
  return {
    name: projection.name,
    groupId,
    topic: projection.topic,
    stats,
    async stop() {
      running = false;
      await consumer.disconnect();
      await dlq.disconnect();
    },
  };
}
