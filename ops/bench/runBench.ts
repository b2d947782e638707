import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config/config.js';
import { floorBenchmark } from './floor.js';
import { kafkaRawBenchmark } from './kafkaRaw.js';
import { pipelineRun, type PipelineRun } from './pipeline.js';
import { executeLoad, soak, startApiStack, type LoadResult, type SoakResult } from './apiLoad.js';
import { stackPids } from './stackPids.js';
import { fmt, row, summarize, type Summary } from './stats.js';

export type Scenario = 'floor' | 'kafka-raw' | 'pipeline' | 'sync' | 'soak' | 'all';

/** Runs the scenarios (each figure the median of `runs` runs after a warm-up), prints a table, writes JSON. */
export async function runBench(
  scenario: Scenario,
  o: {
    config: Config;
    root: string;
    env: NodeJS.ProcessEnv;
    count: number;
    runs: number;
    /** sync: request rates and seconds per rate; soak: its rate and seconds. */
    rates: readonly number[];
    seconds: number;
    soakRate: number;
    soakSeconds: number;
    print: (line: string) => void;
  },
): Promise<void> {
  const results: Record<string, unknown> = {
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    runs: o.runs,
  };
  const { print } = o;
  print(
    `machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; median of ${o.runs} runs after a warm-up`,
  );
  let ceiling = 0;
  let rawConsume = 0;
  if (scenario === 'floor' || scenario === 'all') {
    const f = floorBenchmark(o.root, 20_000, o.runs);
    results.floor = f;
    ceiling = f.ceilingPerCore.median;
    print(row('floor: µs per decision (1 core)', f.usPerDecision, 'µs', 1));
    print(row('floor: decisions/s ceiling per core', f.ceilingPerCore, 'decisions/s'));
  }
  if (scenario === 'kafka-raw' || scenario === 'all') {
    const k = await kafkaRawBenchmark(o.config.kafkaBrokers, 200_000, 300, o.config.partitionsRequests, o.runs);
    results.kafkaRaw = k;
    rawConsume = k.consume.median;
    print(row('kafka-raw: produce 300 B records (kafkajs)', k.produce, 'records/s'));
    print(row('kafka-raw: consume (kafkajs, no processing)', k.consume, 'records/s'));
  }
  if (scenario === 'pipeline' || scenario === 'all') {
    const runs: PipelineRun[] = [];
    await pipelineRun(o.config, o.root, o.env, Math.min(o.count, 20_000), 99); // warm-up
    for (let i = 0; i < o.runs; i++) runs.push(await pipelineRun(o.config, o.root, o.env, o.count, i + 1));
    results.pipeline = runs;
    const s = (pick: (r: PipelineRun) => number): Summary => summarize(runs.map(pick));
    print(`pipeline: ${fmt(o.count)} requests (2% replays, 2% invalid), one worker, sinks in one process`);
    print(
      row(
        'pipeline: decisions/s (start -> last audit row)',
        s((r) => r.decisionsPerSecond),
        'decisions/s',
      ),
    );
    print(
      row(
        'pipeline: worker decisions/s (start -> worker lag 0)',
        s((r) => r.workerDecisionsPerSecond),
        'decisions/s',
      ),
    );
    print(
      row(
        'pipeline: audit_decisions rows/s',
        s((r) => r.rowsPerSecond),
        'rows/s',
      ),
    );
    print(
      row(
        'pipeline: lag requestedAt -> row p50 (backlog)',
        s((r) => r.lagMs.p50),
        'ms',
      ),
    );
    print(
      row(
        'pipeline: lag p99',
        s((r) => r.lagMs.p99),
        'ms',
      ),
    );
    print(
      row(
        'pipeline: lag max',
        s((r) => r.lagMs.max),
        'ms',
      ),
    );
    print(
      row(
        'pipeline: worker CPU per decision',
        s((r) => r.workerCpuUsPerDecision),
        'µs',
        1,
      ),
    );
    print(
      row(
        'pipeline: worker RSS (peak)',
        s((r) => r.rssMiB.workerPeak),
        'MiB',
      ),
    );
    print(
      row(
        'pipeline: sinks RSS (peak)',
        s((r) => r.rssMiB.sinksPeak),
        'MiB',
      ),
    );
    for (const [i, r] of runs.entries()) {
      print(
        `pipeline run ${i + 1} exactly-once check: ${r.exactlyOnce.outcomes} outcomes for ${r.requests} requests, ${r.exactlyOnce.distinctIds}/${r.exactlyOnce.expectedIds} executionIds -> ${r.exactlyOnce.ok ? 'OK' : 'MISMATCH'}`,
      );
    }
    const dps = s((r) => r.decisionsPerSecond).median;
    if (ceiling > 0) print(`ratio: pipeline decisions/s / floor ceiling per core = ${fmt(dps / ceiling, 3)}`);
    if (rawConsume > 0) print(`ratio: pipeline records/s / kafka-raw consume records/s = ${fmt(dps / rawConsume, 3)}`);
  }
  if (scenario === 'sync' || scenario === 'all') {
    results.sync = await syncScenario(o);
  }
  if (scenario === 'soak') {
    results.soak = await soakScenario(o);
  }
  mkdirSync(join(o.root, 'bench-results'), { recursive: true });
  const file = join(o.root, 'bench-results', `${scenario}-${new Date().toISOString().replaceAll(':', '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  print(`results written to ${file}`);
}

type BenchOptions = Parameters<typeof runBench>[1];

/** Open-loop POST /execute at each rate: median of the runs (after a warm-up) with min and max. */
async function syncScenario(o: BenchOptions): Promise<Record<number, LoadResult[]>> {
  const stack = await startApiStack(o.config, o.root, o.env);
  const out: Record<number, LoadResult[]> = {};
  try {
    await executeLoad(stack, Math.min(...o.rates), 10, 99); // warm-up
    for (const rate of o.rates) {
      const runs: LoadResult[] = [];
      for (let i = 0; i < o.runs; i++) runs.push(await executeLoad(stack, rate, o.seconds, i + 1));
      out[rate] = runs;
      const s = (pick: (r: LoadResult) => number): Summary => summarize(runs.map(pick));
      o.print(`sync: POST /execute at ${fmt(rate)} req/s for ${o.seconds} s (open loop, ${o.runs} runs)`);
      o.print(
        row(
          `sync ${rate}/s: achieved`,
          s((r) => r.achievedRate),
          'req/s',
        ),
      );
      o.print(
        row(
          `sync ${rate}/s: latency p50`,
          s((r) => r.latencyMs.p50),
          'ms',
          1,
        ),
      );
      o.print(
        row(
          `sync ${rate}/s: latency p99`,
          s((r) => r.latencyMs.p99),
          'ms',
          1,
        ),
      );
      o.print(
        row(
          `sync ${rate}/s: latency p99.9`,
          s((r) => r.latencyMs.p99_9),
          'ms',
          1,
        ),
      );
      o.print(
        row(
          `sync ${rate}/s: non-2xx + errors + timeouts`,
          s((r) => r.non2xx + r.errors + r.timeouts),
          'responses',
        ),
      );
    }
  } finally {
    await stack.close();
  }
  return out;
}

/** A steady rate for soakSeconds: RSS of every process at start and end, consumer lag over time. */
async function soakScenario(o: BenchOptions): Promise<SoakResult> {
  const stack = await startApiStack(o.config, o.root, o.env);
  try {
    const r = await soak(stack, o.soakRate, o.soakSeconds, stackPids(o.root, o.config.stackDir));
    o.print(`soak: POST /execute at ${fmt(r.rate)} req/s for ${fmt(r.seconds)} s`);
    o.print(
      `soak: achieved ${fmt(r.load.achievedRate)} req/s, p50 ${fmt(r.load.latencyMs.p50, 1)} ms, p99 ${fmt(r.load.latencyMs.p99, 1)} ms, p99.9 ${fmt(r.load.latencyMs.p99_9, 1)} ms, non-2xx ${fmt(r.load.non2xx)}, errors ${fmt(r.load.errors + r.load.timeouts)}`,
    );
    for (const [name, m] of Object.entries(r.rssMiB)) {
      o.print(
        `soak RSS ${name.padEnd(16)} start ${fmt(m.start, 1).padStart(8)} MiB  end ${fmt(m.end, 1).padStart(8)} MiB  change ${fmt(m.end - m.start, 1)} MiB`,
      );
    }
    for (const l of r.lag)
      o.print(
        `soak t=${String(l.atSeconds).padStart(4)} s  lag worker ${fmt(l.worker)}  sinks ${fmt(l.sinks)}  RSS MiB ${Object.entries(
          l.rssMiB,
        )
          .map(([k, v]) => `${k} ${fmt(v)}`)
          .join(', ')}`,
      );
    return r;
  } finally {
    await stack.close();
  }
}
