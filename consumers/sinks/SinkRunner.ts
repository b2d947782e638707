import type pg from 'pg';
import type { Logger } from 'pino';
import { isParmanaError } from '../../core/errors/ParmanaError.js';
import type { KafkaClient, OutgoingRecord, Producer } from '../../kafka/KafkaClient.js';
import { FETCH_WAIT_MS } from '../../kafka/KafkaClient.js';
import type { AvroCodec } from '../../shared/codec/AvroCodec.js';
import { BatchCycle, cycleHandler, type CycleChunk } from '../cycle/BatchCycle.js';
import { cycleGuard } from '../cycle/cycleGuard.js';
import { failClosed } from '../worker/failClosed.js';
import type { Projection, SourcedValue } from './Projection.js';
import { recordTimeIso } from '../worker/records.js';
import { deadLetterMessage } from '../deadLetter/deadLetterMessage.js';
import { asRetriableDbError } from '../db/asRetriableDbError.js';
import { forgetStagingTables, stagingDone } from './stageAndInsert.js';

export interface SinkOptions {
  readonly kafka: KafkaClient;
  readonly clientId: string;
  readonly groupPrefix: string;
  readonly deadLetterTopic: string;
  readonly deadLetters: Producer;
  readonly codec: AvroCodec;
  readonly pool: pg.Pool;
  readonly log: Logger;
  /** Records per partition batch at most. */
  readonly maxBatchRecords?: number;
  /** Input bytes of one cycle (one Postgres transaction) at most. */
  readonly maxCycleBytes?: number;
  /** Called with true while the sinks fail closed (Postgres or the registry down), false when they resume. */
  readonly onPause?: (paused: boolean) => void;
}

export interface RunningSinks {
  /** The consumer group and its topics, for lag reporting. */
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Rows written per projection. */
  readonly rows: Readonly<Record<string, number>>;
  readonly stats: { rows: number; cycles: number };
  stop(): Promise<void>;
}

/** What a cycle decoded: each projection's records, and the records that go to the dead-letter topic. */
interface Decoded {
  readonly byProjection: Map<Projection, SourcedValue[]>;
  readonly dead: OutgoingRecord[];
}

const recordBytes = (r: { value: Buffer | null; key: Buffer | null }): number =>
  (r.value?.length ?? 0) + (r.key?.length ?? 0) + 64;

/**
 * The audit sinks as ONE consumer group over every projected topic (one fetch loop, one group membership, one lag
 * query): requests, security events, verifications, API calls. They project nothing signed: the outcome topics are
 * projected by the log writer, which verifies each outcome once for the log and the audit rows. Batches of all
 * partitions ready together form a cycle: decoded once, written in ONE Postgres transaction across tables (COPY to
 * staging, then INSERT … ON CONFLICT DO NOTHING), and only after COMMIT are the offsets of every partition of the
 * cycle committed, in one call. A crash in between redelivers the records, which the conflict clause turns into
 * no-ops: no row missing, none duplicated.
 */
export async function runSinks(projections: readonly Projection[], o: SinkOptions): Promise<RunningSinks> {
  const groupId = `${o.groupPrefix}-sinks`;
  const byTopic = new Map(projections.map((p) => [p.topic, p]));
  const topics = [...byTopic.keys()];
  const consumer = o.kafka.groupConsumer({
    clientId: `${o.clientId}-sinks`,
    groupId,
    topics,
    fromBeginning: true,
    maxBatchRecords: o.maxBatchRecords ?? 2_000,
    // Every partition may hand its batch to the next cycle: the cycle, not the partition, is the unit of work.
    concurrency: 1_000,
    // Off the request path: fewer, larger fetches and transactions cost far less CPU (broker, Postgres and here)
    // than one per record, for at most a fraction of a second more before an audit row lands.
    minFetchBytes: 64 * 1024,
    maxWaitMs: FETCH_WAIT_MS,
    lingerMs: 50,
  });
  const rows: Record<string, number> = Object.fromEntries(projections.map((p) => [p.name, 0]));
  const stats = { rows: 0, cycles: 0 };
  let running = true;

  const guardOf = (chunks: readonly CycleChunk[]) =>
    cycleGuard(chunks, { running: () => running, log: o.log, onPause: o.onPause });

  const decode = async (chunks: readonly CycleChunk[]): Promise<Decoded> => {
    const guard = guardOf(chunks);
    const byProjection = new Map<Projection, SourcedValue[]>();
    const dead: OutgoingRecord[] = [];
    for (const chunk of chunks) {
      const projection = byTopic.get(chunk.topic);
      if (projection === undefined) continue;
      const list = byProjection.get(projection) ?? [];
      byProjection.set(projection, list);
      for (const m of chunk.records) {
        const source = { topic: chunk.topic, partition: chunk.partition, offset: m.offset };
        try {
          list.push({
            source,
            value: await failClosed(() => o.codec.decode(m.value), { ...guard, what: 'schema registry' }),
            writtenAt: recordTimeIso(m),
          });
        } catch (err) {
          if (!isParmanaError(err)) throw err;
          if (projection.deadLetters === false) continue;
          dead.push({
            topic: o.deadLetterTopic,
            ...deadLetterMessage(
              { topic: chunk.topic, partition: chunk.partition, offset: m.offset, key: m.key, value: m.value },
              err,
            ),
          });
        }
      }
    }
    return { byProjection, dead };
  };

  const writeCycle = async (chunks: readonly CycleChunk[]): Promise<Record<string, number>> => {
    const guard = guardOf(chunks);
    const { byProjection, dead } = await decode(chunks);
    if (dead.length > 0) {
      await failClosed(() => o.deadLetters.send(dead), { ...guard, what: 'kafka (dead-letter topic)' });
    }
    return failClosed(
      async () => {
        let client: pg.PoolClient | undefined;
        const written: Record<string, number> = {};
        try {
          client = await o.pool.connect();
          await client.query('BEGIN');
          for (const [projection, records] of byProjection) {
            if (records.length > 0) written[projection.name] = await projection.write(client, records);
          }
          await client.query('COMMIT');
          stagingDone(client);
          return written;
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
  };

  const cycles = new BatchCycle<Record<string, number>>(
    writeCycle,
    async (written, offsets) => {
      await consumer.commit(offsets);
      for (const [name, n] of Object.entries(written)) {
        rows[name] = (rows[name] ?? 0) + n;
        stats.rows += n;
      }
      stats.cycles += 1;
    },
    o.maxCycleBytes ?? 4 * 1_048_576,
  );

  await consumer.run(cycleHandler(cycles, recordBytes));
  return {
    groupId,
    topics,
    rows,
    stats,
    async stop() {
      running = false;
      await consumer.stop();
    },
  };
}
