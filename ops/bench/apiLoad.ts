import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { waitForApiAddress } from '../cli/apiAddress.js';
import { addApiKey } from '../cli/commands/api.js';
import type { Config } from '../config/config.js';
import { sampleRequests } from '../demo/sampleRequests.js';
import { benchEnvironment, type BenchEnvironment } from './benchEnvironment.js';
import { CostMeter, costBetween, type CostFigures } from './CostMeter.js';
import { rssMiB } from './processStats.js';
import { stackPids } from './stackPids.js';
import { StageCollector, type StagePercentiles } from './StageCollector.js';

export interface ApiStack {
  readonly bench: BenchEnvironment;
  /** Per-second stage histograms of the worker and the API, for the stage breakdown of a load run. */
  readonly stages: StageCollector;
  readonly url: string;
  readonly apiKey: string;
  readonly processes: Readonly<Record<'api' | 'worker' | 'sinks' | 'log writer', ChildProcess>>;
  /** CPU of every process involved (these, the load generator, the stack's, Postgres), broker and Postgres work. */
  readonly costs: CostMeter;
  close(): Promise<void>;
}

/**
 * Worker, sinks, the transparency log writer and the API on a run's own topics and database (every service of a
 * deployment); resolves once the API answers /ready and the worker beats.
 */
export async function startApiStack(config: Config, root: string, baseEnv: NodeJS.ProcessEnv): Promise<ApiStack> {
  const bench = await benchEnvironment(config, root, baseEnv);
  const keysFile = join(mkdtempSync(join(tmpdir(), 'bench-keys-')), 'keys.json');
  const { secret } = addApiKey(keysFile, 'bench', ['executor', 'auditor']);
  const stages = new StageCollector();
  // Stage timings every second at info level; the collector keeps only those lines.
  const timed = { PARMANA_STAGE_TIMINGS_MS: '1000', LOG_LEVEL: 'info' };
  const worker = bench.start(['worker'], timed, 'pipe');
  stages.attach(worker, 'worker');
  const sinks = bench.start(['sinks']);
  const logWriter = bench.start(['log', 'writer']);
  const api = bench.start(
    ['api'],
    {
      ...timed,
      API_PORT: '0',
      PARMANA_API_KEYS_FILE: keysFile,
      // The benchmark measures the pipeline, not the limiter.
      PARMANA_RATE_LIMIT_EXECUTE: '100000000',
      PARMANA_RATE_LIMIT_OTHER: '100000000',
    },
    'pipe',
  );
  const url = await waitForApiAddress(api);
  stages.attach(api, 'api');
  const deadline = Date.now() + 60_000;
  for (;;) {
    const health = (await (await fetch(`${url}/health`)).json()) as { worker: { alive: boolean } };
    if (health.worker.alive) break;
    if (Date.now() > deadline) throw new Error('no worker heartbeat within 60 s');
    await sleep(250);
  }
  const processes = { api, worker, sinks, 'log writer': logWriter };
  const costs = new CostMeter({
    root,
    brokers: config.kafkaBrokers,
    databaseUrl: config.databaseUrl,
    processes: () => ({
      ...Object.fromEntries(Object.entries(processes).map(([k, c]) => [k, c.pid])),
      'load generator': process.pid,
      ...stackPids(root, config.stackDir),
    }),
  });
  return { bench, stages, url, apiKey: secret, processes, costs, close: () => bench.close() };
}

export interface LoadResult {
  readonly targetRate: number;
  /** CPU per request of every process, broker and Postgres work per request, over the run. */
  readonly costs: CostFigures;
  /** Where the time went during this run (worker and API stage histograms merged over the run). */
  readonly stages: readonly StagePercentiles[];
  readonly seconds: number;
  readonly requests: number;
  readonly achievedRate: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly p99_9: number; readonly max: number };
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}

/**
 * Open-loop load on POST /execute: a fixed request rate (autocannon's overallRate, latencies corrected for
 * coordinated omission), every request a fresh executionId with realistic signals for the shipped policies.
 */
export async function executeLoad(
  stack: ApiStack,
  rate: number,
  seconds: number,
  seed: number,
  floorUs = 0,
): Promise<LoadResult> {
  const bodies = sampleRequests({
    count: Math.ceil(rate * seconds * 1.1) + 1000,
    prefix: `load-${stack.bench.id}-${seed}-${rate}`,
    replayRatio: 0,
    invalidRatio: 0,
    seed,
  }).map((r) => JSON.stringify(r));
  let next = 0;
  const before = await stack.costs.start();
  const started = Date.now();
  const result = await autocannon({
    url: `${stack.url}/execute`,
    method: 'POST',
    duration: seconds,
    overallRate: rate,
    // Enough connections that the rate, not the pool, limits the load: up to rate x 500 ms in flight.
    connections: Math.max(50, Math.ceil(rate / 2)),
    timeout: 20,
    headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] ?? '{}' }),
      },
    ],
  });
  // The lines of the run's last second arrive up to a second later; the sinks finish the last batches meanwhile.
  await sleep(1_200);
  const after = await stack.costs.end();
  return {
    targetRate: rate,
    costs: costBetween(before, after, result.requests.total, floorUs),
    stages: stack.stages.between(started + 1_000, Date.now()),
    seconds,
    requests: result.requests.total,
    achievedRate: result.requests.total / seconds,
    latencyMs: {
      p50: result.latency.p50,
      p99: result.latency.p99,
      p99_9: result.latency.p99_9,
      max: result.latency.max,
    },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

export interface SoakResult {
  readonly rate: number;
  readonly seconds: number;
  readonly load: LoadResult;
  readonly rssMiB: Readonly<Record<string, { readonly start: number; readonly end: number }>>;
  /** Consumer lag over time, summed per component, from the heartbeats the API exposes on /metrics. */
  readonly lag: readonly {
    readonly atSeconds: number;
    readonly worker: number;
    readonly sinks: number;
    /** RSS of the product's processes at that moment, MiB. */
    readonly rssMiB: Readonly<Record<string, number>>;
  }[];
}

async function lagNow(url: string): Promise<{ worker: number; sinks: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sum = { worker: 0, sinks: 0 };
  for (const m of text.matchAll(/^parmana_consumer_lag\{component="(worker|sinks)"[^}]*\} (\d+(?:\.\d+)?)/gm)) {
    const component = m[1] as 'worker' | 'sinks';
    sum[component] += Number(m[2]);
  }
  return sum;
}

/** `seconds` with every service up and no requests at all: what each process burns doing nothing. */
export async function idleCost(stack: ApiStack, seconds: number): Promise<CostFigures> {
  // Let the last requests' work (sinks, log writer, checkpoints) finish first.
  await sleep(5_000);
  const before = await stack.costs.start();
  await sleep(seconds * 1000);
  return costBetween(before, await stack.costs.end(), 0, 0);
}

/** A steady rate for a long time: RSS of every process at start and end, consumer lag sampled along the way. */
export async function soak(
  stack: ApiStack,
  rate: number,
  seconds: number,
  stackPids: Readonly<Record<string, number>>,
  sampleEverySeconds = 15,
): Promise<SoakResult> {
  // Warm everything up first, so "start" means steady state, not a cold process.
  await executeLoad(stack, rate, 10, 1);
  const pids: Record<string, number> = {
    ...Object.fromEntries(Object.entries(stack.processes).map(([k, c]) => [k, c.pid ?? 0])),
    ...stackPids,
  };
  const start = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, rssMiB(pid).rss]));
  const lag: { atSeconds: number; worker: number; sinks: number; rssMiB: Record<string, number> }[] = [];
  const productRss = (): Record<string, number> =>
    Object.fromEntries(Object.entries(stack.processes).map(([k, c]) => [k, rssMiB(c.pid ?? 0).rss]));
  const t0 = Date.now();
  const sample = async (): Promise<void> => {
    const at = Math.round((Date.now() - t0) / 1000);
    const now = await lagNow(stack.url).catch(() => ({ worker: -1, sinks: -1 }));
    lag.push({ atSeconds: at, ...now, rssMiB: productRss() });
  };
  void sample();
  const timer = setInterval(() => void sample(), sampleEverySeconds * 1000);
  const load = await executeLoad(stack, rate, seconds, 2).finally(() => {
    clearInterval(timer);
  });
  lag.push({ atSeconds: Math.round((Date.now() - t0) / 1000), ...(await lagNow(stack.url)), rssMiB: productRss() });
  const end = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, rssMiB(pid).rss]));
  return {
    rate,
    seconds,
    load,
    rssMiB: Object.fromEntries(Object.keys(pids).map((k) => [k, { start: start[k] ?? 0, end: end[k] ?? 0 }])),
    lag,
  };
}
