import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { KafkaClientName } from '../../kafka/KafkaClient.js';
import type { Config } from '../config/config.js';
import { floorBenchmark } from './floor.js';
import { kafkaRawBenchmark } from './kafkaRaw.js';
import { pipelineRun, type PipelineRun } from './pipeline.js';
import { executeLoad, idleCost, soak, startApiStack, type LoadResult, type SoakResult } from './apiLoad.js';
import { costLines, type CostFigures } from './CostMeter.js';
import { idleLatency, type IdleLatency } from './idleLatency.js';
import { stackPids } from './stackPids.js';
import { replayLedgerBenchmark, type LedgerFigures } from './replayLedgerBench.js';
import { fmt, row, summarize, type Summary } from './stats.js';
import { kafkaConnection } from '../runtime/kafkaConnection.js';

export type Scenario = 'floor' | 'kafka-raw' | 'pipeline' | 'sync' | 'idle' | 'soak' | 'ledger' | 'all';

export interface BenchOptions {
  readonly config: Config;
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;
  readonly count: number;
  readonly runs: number;
  /** sync: request rates and seconds per rate; soak: its rate and seconds. */
  readonly rates: readonly number[];
  readonly seconds: number;
  /** idle (and sync, first): seconds with every service up and no requests. */
  readonly idleSeconds: number;
  readonly soakRate: number;
  readonly soakSeconds: number;
  /** Kafka clients measured side by side (kafka-raw, pipeline, sync); soak uses the first. */
  readonly clients: readonly KafkaClientName[];
  /** pipeline: run the transparency log writer alongside (the default) or not, to separate its cost. */
  /** pipeline, sync, idle: the worker's replay ledger settings measured side by side (PARMANA_REPLAY_LEDGER). */
  readonly replayLedgers: readonly ('postgres' | 'off')[];
  readonly print: (line: string) => void;
}

/**
 * Runs the scenarios for each Kafka client (each figure the median of `runs` runs after a warm-up), prints a table,
 * writes JSON. The floor is measured once: it does not touch Kafka.
 */
export async function runBench(scenario: Scenario, o: BenchOptions): Promise<void> {
  const results: Record<string, unknown> = {
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    runs: o.runs,
    clients: o.clients,
  };
  const { print } = o;
  print(
    `machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; median of ${o.runs} runs after a warm-up; clients ${o.clients.join(', ')}`,
  );
  let ceiling = 0;
  // The CPU figures are divided by the floor: measured in every scenario that reports CPU per request.
  if (['floor', 'pipeline', 'sync', 'all'].includes(scenario)) {
    const f = floorBenchmark(o.root, 20_000, o.runs);
    results.floor = f;
    ceiling = f.ceilingPerCore.median;
    print(row('floor: µs per decision (1 core)', f.usPerDecision, 'µs', 1));
    print(row('floor: decisions/s ceiling per core', f.ceilingPerCore, 'decisions/s'));
  }
  for (const client of o.clients) {
    const perClient: Record<string, unknown> = {};
    results[client] = perClient;
    let rawConsume = 0;
    if (scenario === 'kafka-raw' || scenario === 'all') {
      const k = await kafkaRawBenchmark(
        kafkaConnection(o.config, 'admin', o.root),
        client,
        200_000,
        300,
        o.config.partitionsRequests,
        o.runs,
      );
      perClient.kafkaRaw = k;
      rawConsume = k.consume.median;
      print(row(`[${client}] kafka-raw: produce 300 B records`, k.produce, 'records/s'));
      print(row(`[${client}] kafka-raw: consume, no processing`, k.consume, 'records/s'));
    }
    for (const ledger of o.replayLedgers) {
      // Several ledger settings: each figure is labelled and stored under its setting.
      const several = o.replayLedgers.length > 1;
      const v = { ...o, env: { ...o.env, PARMANA_REPLAY_LEDGER: ledger } };
      const label = several ? `${client}, ledger ${ledger}` : client;
      const put = (name: string, value: unknown): void => {
        perClient[several ? `${name}-ledger-${ledger}` : name] = value;
      };
      if (scenario === 'pipeline' || scenario === 'all') {
        put('pipeline', await pipelineScenario(v, client, label, ceiling, rawConsume));
      }
      if (scenario === 'sync' || scenario === 'all') {
        put('sync', await syncScenario(v, client, label, ceiling > 0 ? 1e6 / ceiling : 0));
      }
      if (scenario === 'idle') {
        put('idle', await idleScenario(v, client, label));
      }
    }
  }
  if (scenario === 'soak') {
    results.soak = await soakScenario(o);
  }
  if (scenario === 'ledger') {
    results.ledger = await ledgerScenario(o);
  }
  mkdirSync(join(o.root, 'bench-results'), { recursive: true });
  const file = join(o.root, 'bench-results', `${scenario}-${new Date().toISOString().replaceAll(':', '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  print(`results written to ${file}`);
}

async function pipelineScenario(
  o: BenchOptions,
  client: KafkaClientName,
  label: string,
  ceiling: number,
  rawConsume: number,
): Promise<PipelineRun[]> {
  const { print } = o;
  const runs: PipelineRun[] = [];
  const floorUs = ceiling > 0 ? 1e6 / ceiling : 0;
  await pipelineRun(o.config, o.root, o.env, Math.min(o.count, 20_000), 99, client, floorUs); // warm-up
  for (let i = 0; i < o.runs; i++)
    runs.push(await pipelineRun(o.config, o.root, o.env, o.count, i + 1, client, floorUs));
  const s = (pick: (r: PipelineRun) => number): Summary => summarize(runs.map(pick));
  const p = `[${label}] pipeline:`;
  print(`${p} ${fmt(o.count)} requests (2% replays, 2% invalid), one worker, sinks in one process, log writer`);
  print(
    row(
      `${p} decisions/s (start -> last audit row)`,
      s((r) => r.decisionsPerSecond),
      'decisions/s',
    ),
  );
  print(
    row(
      `${p} worker decisions/s (-> worker lag 0)`,
      s((r) => r.workerDecisionsPerSecond),
      'decisions/s',
    ),
  );
  print(
    row(
      `${p} audit_decisions rows/s`,
      s((r) => r.rowsPerSecond),
      'rows/s',
    ),
  );
  print(
    row(
      `${p} lag requestedAt -> row p50 (backlog)`,
      s((r) => r.lagMs.p50),
      'ms',
    ),
  );
  print(
    row(
      `${p} lag p99`,
      s((r) => r.lagMs.p99),
      'ms',
    ),
  );
  print(
    row(
      `${p} worker CPU per decision`,
      s((r) => r.workerCpuUsPerDecision),
      'µs',
      1,
    ),
  );
  print(
    row(
      `${p} worker RSS (peak)`,
      s((r) => r.rssMiB.workerPeak),
      'MiB',
    ),
  );
  print(
    row(
      `${p} sinks RSS (peak)`,
      s((r) => r.rssMiB.sinksPeak),
      'MiB',
    ),
  );
  const logs = runs.map((r) => r.log);
  if (logs.length > 0) {
    const sl = (pick: (l: (typeof logs)[number]) => number): Summary => summarize(logs.map(pick));
    print(
      row(
        `${p} log writer entries/s`,
        sl((l) => l.writerEntriesPerSecond),
        'entries/s',
      ),
    );
    print(
      row(
        `${p} log inclusion proof p99`,
        sl((l) => l.inclusion.p99Ms),
        'ms',
        2,
      ),
    );
    print(
      row(
        `${p} log consistency proof p99`,
        sl((l) => l.consistency.p99Ms),
        'ms',
        2,
      ),
    );
    print(
      row(
        `${p} log writer RSS (peak)`,
        sl((l) => l.writerPeakMiB),
        'MiB',
      ),
    );
  }
  for (const [i, r] of runs.entries()) {
    print(
      `${p} run ${i + 1} exactly-once check: ${r.exactlyOnce.outcomes} outcomes for ${r.requests} requests, ${r.exactlyOnce.distinctIds}/${r.exactlyOnce.expectedIds} executionIds -> ${r.exactlyOnce.ok ? 'OK' : 'MISMATCH'}; log ${r.log.entries} entries -> ${r.log.complete ? 'complete' : 'INCOMPLETE'}`,
    );
  }
  // CPU of the median run (by decisions/s), process by process.
  const medianRun = [...runs].sort((a, b) => a.decisionsPerSecond - b.decisionsPerSecond)[Math.floor(runs.length / 2)];
  if (medianRun !== undefined) for (const line of costLines(p, medianRun.costs, 'decision')) print(line);
  const dps = s((r) => r.decisionsPerSecond).median;
  if (ceiling > 0) print(`${p} ratio decisions/s / floor ceiling per core = ${fmt(dps / ceiling, 3)}`);
  if (rawConsume > 0) print(`${p} ratio decisions/s / kafka-raw consume records/s = ${fmt(dps / rawConsume, 3)}`);
  return runs;
}

/** Open-loop POST /execute at each rate: median of the runs (after a warm-up) with min and max, stage breakdown. */
async function syncScenario(
  o: BenchOptions,
  client: KafkaClientName,
  label: string,
  floorUs: number,
): Promise<{ idleCost: CostFigures; idle: IdleLatency[]; rates: Record<number, LoadResult[]> }> {
  const stack = await startApiStack(o.config, o.root, { ...o.env, PARMANA_KAFKA_CLIENT: client });
  const out: Record<number, LoadResult[]> = {};
  const idle: IdleLatency[] = [];
  try {
    await executeLoad(stack, Math.min(...o.rates), 10, 99); // warm-up
    const idleCpu = await idleCost(stack, o.idleSeconds);
    printIdle(o, label, idleCpu);
    // A lone request on the idle stack: 100 sequential requests 100 ms apart per run, before any load.
    for (let i = 0; i < o.runs; i++) idle.push(await idleLatency(stack, 100, 100, i + 1));
    const si = (pick: (r: IdleLatency) => number): Summary => summarize(idle.map(pick));
    o.print(
      row(
        `[${label}] sync idle: single request p50`,
        si((r) => r.p50Ms),
        'ms',
        1,
      ),
    );
    o.print(
      row(
        `[${label}] sync idle: single request p99`,
        si((r) => r.p99Ms),
        'ms',
        1,
      ),
    );
    for (const rate of o.rates) {
      const runs: LoadResult[] = [];
      for (let i = 0; i < o.runs; i++) runs.push(await executeLoad(stack, rate, o.seconds, i + 1, floorUs));
      out[rate] = runs;
      const s = (pick: (r: LoadResult) => number): Summary => summarize(runs.map(pick));
      const p = `[${label}] sync ${rate}/s:`;
      o.print(`[${label}] sync: POST /execute at ${fmt(rate)} req/s for ${o.seconds} s (open loop, ${o.runs} runs)`);
      o.print(
        row(
          `${p} achieved`,
          s((r) => r.achievedRate),
          'req/s',
        ),
      );
      o.print(
        row(
          `${p} latency p50`,
          s((r) => r.latencyMs.p50),
          'ms',
          1,
        ),
      );
      o.print(
        row(
          `${p} latency p99`,
          s((r) => r.latencyMs.p99),
          'ms',
          1,
        ),
      );
      o.print(
        row(
          `${p} latency p99.9`,
          s((r) => r.latencyMs.p99_9),
          'ms',
          1,
        ),
      );
      o.print(
        row(
          `${p} non-2xx + errors + timeouts`,
          s((r) => r.non2xx + r.errors + r.timeouts),
          'responses',
        ),
      );
      // The breakdown of the median run (by p99), stage by stage.
      const median = [...runs].sort((a, b) => a.latencyMs.p99 - b.latencyMs.p99)[Math.floor(runs.length / 2)];
      for (const st of median?.stages ?? []) {
        o.print(
          `${p} stage ${`${st.process}: ${st.stage}`.padEnd(52)} p50 ${fmt(st.p50, 1).padStart(8)} ms  p99 ${fmt(st.p99, 1).padStart(8)} ms  (${fmt(st.count)} requests)`,
        );
      }
      if (median !== undefined) for (const line of costLines(p, median.costs)) o.print(line);
    }
    return { idleCost: idleCpu, idle, rates: out };
  } finally {
    await stack.close();
  }
}

function printIdle(o: BenchOptions, label: string, c: CostFigures): void {
  o.print(`[${label}] idle: every service up, no requests, ${fmt(c.seconds, 1)} s`);
  const names = Object.keys(c.coreShare).sort((x, y) => (c.coreShare[y] ?? 0) - (c.coreShare[x] ?? 0));
  for (const name of names) {
    o.print(`[${label}] idle: cpu ${name.padEnd(16)} ${fmt((c.coreShare[name] ?? 0) * 100, 2).padStart(7)}% of a core`);
  }
  o.print(`[${label}] idle: whole machine ${fmt((c.machineCpuMsPerRequest / 1000 / c.seconds) * 100, 2)}% of a core`);
  if (c.kafkaRequestsPerRequest !== undefined) {
    o.print(
      `[${label}] idle: kafka requests per second: ${Object.entries(c.kafkaRequestsPerRequest)
        .map(([api, n]) => `${api} ${fmt(n / c.seconds, 1)}`)
        .join(', ')}`,
    );
  }
}

/** Every service up, nothing to do: CPU per process over `idleSeconds`. */
async function idleScenario(o: BenchOptions, client: KafkaClientName, label: string): Promise<CostFigures> {
  const stack = await startApiStack(o.config, o.root, { ...o.env, PARMANA_KAFKA_CLIENT: client });
  try {
    await executeLoad(stack, 200, 5, 99); // every path warmed once
    const c = await idleCost(stack, o.idleSeconds);
    printIdle(o, label, c);
    return c;
  } finally {
    await stack.close();
  }
}

/** A steady rate for soakSeconds: RSS of every process at start and end, consumer lag over time. */
async function soakScenario(o: BenchOptions): Promise<SoakResult> {
  const client = o.clients[0] ?? 'rdkafka';
  const stack = await startApiStack(o.config, o.root, { ...o.env, PARMANA_KAFKA_CLIENT: client });
  try {
    const r = await soak(stack, o.soakRate, o.soakSeconds, stackPids(o.root, o.config.stackDir));
    o.print(`[${client}] soak: POST /execute at ${fmt(r.rate)} req/s for ${fmt(r.seconds)} s`);
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

/** The replay ledger alone: claim statements by batch size, re-claims, bytes per id on disk. */
async function ledgerScenario(o: BenchOptions): Promise<LedgerFigures> {
  const f = await replayLedgerBenchmark(o.root, o.config.databaseUrl, o.count);
  for (const c of [...f.claims, { ...f.taken, label: 'taken' }]) {
    const what = 'label' in c ? `re-claim (taken), batch ${c.batch}` : `claim, batch ${c.batch}`;
    o.print(
      `ledger: ${what.padEnd(26)} ${fmt(c.ids)} ids: statement p50 ${fmt(c.statementMsP50, 2)} ms, p99 ${fmt(c.statementMsP99, 2)} ms; ${fmt(c.usPerId, 1)} µs/id wall, ${fmt(c.postgresCpuUsPerId, 1)} µs/id postgres cpu`,
    );
  }
  o.print(
    `ledger: ${fmt(f.rows)} rows: ${fmt(f.tableBytesPerId, 1)} bytes/id table + ${fmt(f.indexBytesPerId, 1)} bytes/id primary key = ${fmt(f.tableBytesPerId + f.indexBytesPerId, 1)} bytes/id on disk`,
  );
  return f;
}
