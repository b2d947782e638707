import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { fetchConsumerLag } from '../../consumers/heartbeat/consumerLag.js';
import { createKafkaAdmin } from '../../kafka/createKafkaAdmin.js';
import type { KafkaClientName } from '../../kafka/KafkaClient.js';
import type { Config } from '../config/config.js';
import { sampleRequests } from '../demo/sampleRequests.js';
import { createExecutionProducer } from '../../producers/createExecutionProducer.js';
import { benchEnvironment } from './benchEnvironment.js';
import { CostMeter, costBetween, type CostFigures } from './CostMeter.js';
import { cpuSeconds, rssMiB } from './processStats.js';
import { stackPids } from './stackPids.js';
import { measureTransparencyLog, type TransparencyLogFigures } from './transparencyLog.js';
import { kafkaConnection } from '../runtime/kafkaConnection.js';

export interface PipelineRun {
  readonly client: KafkaClientName;
  readonly requests: number;
  /** Requests / seconds from worker start until the last outcome row is in the audit tables. */
  readonly decisionsPerSecond: number;
  /** Requests / seconds from worker start until the worker has committed every request (its lag is 0). */
  readonly workerDecisionsPerSecond: number;
  readonly rowsPerSecond: number;
  readonly lagMs: { p50: number; p99: number; max: number };
  readonly workerCpuUsPerDecision: number;
  /** CPU per decision of every process (worker, sinks, log writer, this process, Kafka, Redis, Postgres, …). */
  readonly costs: CostFigures;
  readonly rssMiB: { worker: number; sinks: number; workerPeak: number; sinksPeak: number };
  readonly exactlyOnce: { outcomes: number; distinctIds: number; expectedIds: number; ok: boolean };
  /** The transparency log written alongside (parmana log writer): entries/s, proof latency, completeness. */
  readonly log: TransparencyLogFigures & { readonly complete: boolean; readonly writerPeakMiB: number };
}

/**
 * One pipeline run on its own topics and database: pre-produce the workload, then start one worker, the sinks and
 * the transparency log writer, and time them until every request has its outcome in Kafka, in the audit tables and
 * in the log.
 */
export async function pipelineRun(
  config: Config,
  root: string,
  baseEnv: NodeJS.ProcessEnv,
  count: number,
  seed: number,
  client: KafkaClientName,
  floorUs = 0,
): Promise<PipelineRun> {
  const bench = await benchEnvironment(config, root, { ...baseEnv, PARMANA_KAFKA_CLIENT: client });
  const { id, env } = bench;
  const requests = sampleRequests({ count, prefix: `b${id}`, replayRatio: 0.02, invalidRatio: 0.02, seed });
  const producer = createExecutionProducer({
    brokers: config.kafkaBrokers,
    sasl: kafkaConnection(config, 'producer', root).sasl,
    clientId: `bench-${id}`,
    registryUrl: config.schemaRegistryUrl,
    topic: env.PARMANA_TOPIC_REQUESTS ?? '',
    maxRequestBytes: config.maxRequestBytes,
    kafkaClient: client,
  });
  await producer.connect();
  for (let i = 0; i < requests.length; i += 1000) await producer.submitBatch(requests.slice(i, i + 1000));
  await producer.disconnect();

  const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 2 });
  const kafkaAdmin = createKafkaAdmin(kafkaConnection(config, 'admin', root), `bench-${id}-lag`, true);
  await kafkaAdmin.connect();
  const sinks = bench.start(['sinks', 'security-events']);
  // The log writer also writes the outcomes' audit rows (it verifies each outcome once for both).
  const logWriter = bench.start(['log', 'writer']);
  const worker = bench.start(['worker']);
  const pidOf = (c: ChildProcess): number => c.pid ?? 0;
  const meter = new CostMeter({
    root,
    brokers: config.kafkaBrokers,
    databaseUrl: config.databaseUrl,
    processes: () => ({
      worker: worker.pid,
      sinks: sinks.pid,
      'log writer': logWriter.pid,
      // Producing happened before; now it only polls for progress.
      'bench (polling)': process.pid,
      ...stackPids(root, config.stackDir),
    }),
  });
  try {
    await sleep(200);
    const t0 = Date.now();
    // While the members join the group (seconds): the decisions before this reading are few.
    const costs0 = await meter.start();
    const cpu0 = cpuSeconds(pidOf(worker));
    let tWorkerDone: number | undefined;
    let lastLagCheck = 0;
    for (;;) {
      if (tWorkerDone === undefined && Date.now() - lastLagCheck > 250) {
        lastLagCheck = Date.now();
        const lag = await fetchConsumerLag(kafkaAdmin, [
          { groupId: `bench-${id}-worker`, topics: [env.PARMANA_TOPIC_REQUESTS ?? ''] },
        ]).catch(() => undefined);
        if (lag?.[0]?.lag === 0) tWorkerDone = Date.now();
      }
      const rows = await pool
        .query<{ n: string }>(
          'SELECT (SELECT count(*) FROM audit_decisions) + (SELECT count(*) FROM audit_rejections) AS n',
        )
        .then(
          (r) => Number(r.rows[0]?.n ?? 0),
          () => 0,
        );
      if (rows >= count) break;
      if ([worker, sinks, logWriter].some((c) => c.exitCode !== null)) {
        throw new Error('worker, sinks or log writer exited');
      }
      if (Date.now() - t0 > 30 * 60_000) throw new Error('pipeline run timed out');
      await sleep(100);
    }
    const tDone = Date.now();
    const workerCpu = cpuSeconds(pidOf(worker)) - cpu0;
    const costs = costBetween(costs0, await meter.end(), count, floorUs);
    const w = rssMiB(pidOf(worker));
    const s = rssMiB(pidOf(sinks));
    const timing = await pool.query<{ first: Date; last: Date; p50: number; p99: number; max: number }>(
      `SELECT min(recorded_at) AS first, max(recorded_at) AS last,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY lag) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY lag) AS p99, max(lag)::float8 AS max
         FROM (SELECT recorded_at, extract(epoch FROM recorded_at - requested_at) * 1000 AS lag FROM audit_decisions) d`,
    );
    const t = timing.rows[0];
    const rowsTotal = await pool.query<{ decisions: string; rejections: string; distinct_ids: string }>(
      `SELECT (SELECT count(*) FROM audit_decisions) AS decisions, (SELECT count(*) FROM audit_rejections) AS rejections,
              (SELECT count(DISTINCT execution_id) FROM (SELECT execution_id FROM audit_decisions UNION ALL SELECT execution_id FROM audit_rejections) u) AS distinct_ids`,
    );
    const totals = rowsTotal.rows[0];
    const outcomes = Number(totals?.decisions ?? 0) + Number(totals?.rejections ?? 0);
    const expectedIds = new Set(requests.map((r) => r.executionId)).size;
    const log = await logFigures(pool, env.DATABASE_URL ?? '', outcomes, logWriter);
    const rowSeconds = t === undefined ? 1 : Math.max((t.last.getTime() - t.first.getTime()) / 1000, 0.001);
    const decisionSeconds = (tDone - t0) / 1000;
    return {
      client,
      log,
      requests: count,
      decisionsPerSecond: count / decisionSeconds,
      workerDecisionsPerSecond: count / (((tWorkerDone ?? tDone) - t0) / 1000),
      rowsPerSecond: Number(totals?.decisions ?? 0) / rowSeconds,
      lagMs: { p50: t?.p50 ?? 0, p99: t?.p99 ?? 0, max: t?.max ?? 0 },
      workerCpuUsPerDecision: (workerCpu * 1e6) / count,
      costs,
      rssMiB: { worker: w.rss, sinks: s.rss, workerPeak: w.peak, sinksPeak: s.peak },
      exactlyOnce: {
        outcomes,
        distinctIds: Number(totals?.distinct_ids ?? 0),
        expectedIds,
        ok: outcomes === count && Number(totals?.distinct_ids ?? 0) === expectedIds,
      },
    };
  } finally {
    await kafkaAdmin.disconnect();
    await pool.end();
    await bench.close();
  }
}

/** Waits (up to a minute after the audit rows) for the writer to log every outcome, then measures the log. */
async function logFigures(
  pool: pg.Pool,
  databaseUrl: string,
  outcomes: number,
  writer: ChildProcess,
): Promise<NonNullable<PipelineRun['log']>> {
  const deadline = Date.now() + 60_000;
  let logged = 0;
  while (Date.now() < deadline) {
    logged = await pool
      .query<{ n: string }>('SELECT count(*) AS n FROM log_entries')
      .then((r) => Number(r.rows[0]?.n ?? 0));
    if (logged >= outcomes) break;
    await sleep(250);
  }
  return {
    ...(await measureTransparencyLog(databaseUrl, 1000)),
    complete: logged >= outcomes,
    writerPeakMiB: rssMiB(writer.pid ?? 0).peak,
  };
}
