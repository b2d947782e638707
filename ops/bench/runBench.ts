import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config/config.js';
import { floorBenchmark } from './floor.js';
import { kafkaRawBenchmark } from './kafkaRaw.js';
import { pipelineRun, type PipelineRun } from './pipeline.js';
import { fmt, row, summarize, type Summary } from './stats.js';

export type Scenario = 'floor' | 'kafka-raw' | 'pipeline' | 'all';

/** Runs the scenarios (each figure the median of `runs` runs after a warm-up), prints a table, writes JSON. */
export async function runBench(
  scenario: Scenario,
  o: {
    config: Config;
    root: string;
    env: NodeJS.ProcessEnv;
    count: number;
    runs: number;
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
  mkdirSync(join(o.root, 'bench-results'), { recursive: true });
  const file = join(o.root, 'bench-results', `${scenario}-${new Date().toISOString().replaceAll(':', '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  print(`results written to ${file}`);
}
