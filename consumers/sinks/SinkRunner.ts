import type pg from 'pg';
import type { Logger } from 'pino';
import { isParmanaError } from '../../core/errors/ParmanaError.js';
import type { BatchContext, KafkaClient, OutgoingRecord, Producer, RecordBatch } from '../../kafka/KafkaClient.js';
import type { AvroCodec } from '../codec/AvroCodec.js';
import { failClosed } from '../worker/failClosed.js';
import type { Projection, SourcedValue } from './Projection.js';
import { asRetriableDbError } from './asRetriableDbError.js';
import { forgetStagingTables } from './stageAndInsert.js';

export interface SinkOptions {
  readonly kafka: KafkaClient;
  readonly clientId: string;
  readonly groupPrefix: string;
  readonly deadLetterTopic: string;
  /** One dead-letter producer shared by the process's sinks. */
  readonly deadLetters: Producer;
  readonly codec: AvroCodec;
  readonly pool: pg.Pool;
  readonly log: Logger;
  /** Records per Postgres transaction at most. */
  readonly maxBatchRecords?: number;
  /** Partitions written at the same time (each in its own Postgres transaction). */
  readonly concurrency?: number;
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

/**
 * One projection's consumer group: decode a batch, write it in ONE Postgres transaction (COPY to staging, then
 * INSERT ... ON CONFLICT DO NOTHING), and only after COMMIT commit the Kafka offsets. A crash in between redelivers
 * the batch, which the conflict clause turns into a no-op: no row missing, none duplicated.
 */
export async function runSink(projection: Projection, o: SinkOptions): Promise<RunningSink> {
  const groupId = `${o.groupPrefix}-sink-${projection.name}`;
  const consumer = o.kafka.groupConsumer({
    clientId: `${o.clientId}-sink-${projection.name}`,
    groupId,
    topics: [projection.topic],
    fromBeginning: true,
    maxBatchRecords: o.maxBatchRecords ?? 2_000,
    concurrency: o.concurrency ?? 2,
    // The sinks are off the request path: fewer, larger fetches and Postgres transactions cost far less CPU
    // (broker, Postgres and here) than one per record, for at most ~0.1 s more before an audit row lands.
    minFetchBytes: 64 * 1024,
    maxWaitMs: 100,
    lingerMs: 50,
  });
  const stats = { rows: 0, batches: 0 };
  let running = true;

  const handle = async (batch: RecordBatch, context: BatchContext): Promise<void> => {
    const last = batch.records.at(-1);
    if (last === undefined || !context.isActive()) return;
    const guard = {
      heartbeat: () => context.heartbeat(),
      isRunning: () => running && context.isActive(),
      log: o.log,
      ...(o.onPause === undefined ? {} : { onPause: o.onPause }),
    };
    const decoded: SourcedValue[] = [];
    const dead: OutgoingRecord[] = [];
    for (const m of batch.records) {
      const source = { topic: batch.topic, partition: batch.partition, offset: m.offset };
      try {
        decoded.push({
          source,
          value: await failClosed(() => o.codec.decode(m.value), { ...guard, what: 'schema registry' }),
        });
      } catch (err) {
        if (!isParmanaError(err)) throw err;
        if (projection.deadLetters === false) continue;
        dead.push({
          topic: o.deadLetterTopic,
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
    if (dead.length > 0) {
      await failClosed(() => o.deadLetters.send(dead), { ...guard, what: 'kafka (dead-letter topic)' });
    }
    if (projection.prepare !== undefined) await projection.prepare(decoded);
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
          if (client !== undefined) {
            forgetStagingTables(client);
            await client.query('ROLLBACK').catch(() => undefined);
          }
          throw asRetriableDbError(err);
        } finally {
          client?.release();
        }
      },
      { ...guard, what: 'audit database (postgres)' },
    );
    await consumer.commit([
      { topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
    ]);
    stats.rows += written;
    stats.batches += 1;
  };

  await consumer.run(handle);
  return {
    name: projection.name,
    groupId,
    topic: projection.topic,
    stats,
    async stop() {
      running = false;
      await consumer.stop();
    },
  };
}
