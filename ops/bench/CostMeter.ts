import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { brokerRequestCounts, requestsBetween, type BrokerRequestCounts } from './brokerRequests.js';
import { cpuSeconds } from './processStats.js';
import { fmt } from './stats.js';

const TICKS = 100; // USER_HZ on Linux

/** Kafka APIs worth a figure per request; the rest (metadata, heartbeats, …) are summed as "other". */
const KAFKA_APIS = ['Produce', 'Fetch', 'EndTxn', 'AddPartitionsToTxn', 'TxnOffsetCommit', 'OffsetCommit'] as const;

/** One reading of everything a run costs: CPU seconds per process, the machine's busy time, broker and Postgres work. */
export interface CostReading {
  readonly at: number;
  readonly cpuSeconds: Readonly<Record<string, number>>;
  /** Busy CPU seconds of the whole machine (all cores), from /proc/stat. */
  readonly machineSeconds: number;
  readonly kafka: BrokerRequestCounts | undefined;
  /** Committed + rolled back transactions, by database of the Postgres server. */
  readonly pgTransactions: Readonly<Record<string, number>>;
}

/** What a window cost, per request (or per decision), and each process's share of one core. */
export interface CostFigures {
  readonly seconds: number;
  readonly requests: number;
  /** CPU milliseconds per request, by process, and their total. */
  readonly cpuMsPerRequest: Readonly<Record<string, number>>;
  readonly totalCpuMsPerRequest: number;
  /** The whole machine's busy time per request (includes processes not listed, e.g. the kernel's own threads). */
  readonly machineCpuMsPerRequest: number;
  /** Share of one core over the window, by process (1 = a whole core). */
  readonly coreShare: Readonly<Record<string, number>>;
  /** Total CPU per request divided by the floor (CPU of one pure decision) of the same run; 0 without a floor. */
  readonly floors: number;
  readonly kafkaRequestsPerRequest: Readonly<Record<string, number>> | undefined;
  readonly pgTransactionsPerRequest: number;
}

function machineBusySeconds(): number {
  const first = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  // cpu user nice system idle iowait irq softirq steal …
  const f = first.trim().split(/\s+/).slice(1).map(Number);
  const busy = (f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0);
  return busy / TICKS;
}

/** Every process of the local Postgres server, and the CPU its postmaster collected from backends that exited. */
export function postgresSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    if (comm !== 'postgres' && !comm.startsWith('postgres:')) continue;
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime + stime, plus cutime + cstime: a backend that ends during the window is counted by its parent.
    total += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS;
  }
  return total;
}

function safeCpuSeconds(pid: number): number {
  try {
    return cpuSeconds(pid);
  } catch {
    return 0; // not running (any more)
  }
}

/**
 * Reads what a benchmark window costs: CPU seconds of each named process (the product's, the load generator, the
 * stack's Kafka, registry and Redis, every Postgres process), the whole machine's busy time, the brokers' request
 * counters and Postgres's transaction counter. A `start` and an `end` reading make one window (`costBetween`).
 */
export class CostMeter {
  constructor(
    private readonly o: {
      readonly root: string;
      readonly brokers: readonly string[];
      readonly databaseUrl: string;
      /** The processes to read, by name, at the time of the reading (a restarted process has a new pid). */
      readonly processes: () => Readonly<Record<string, number | undefined>>;
    },
  ) {}

  /**
   * A reading that opens a window: the broker counters (a JVM start) and the Postgres query come before the CPU
   * figures, so neither lands in the window.
   */
  async start(): Promise<CostReading> {
    const kafka = await brokerRequestCounts(this.o.root, this.o.brokers);
    const pgTransactions = await this.pgTransactions();
    return { ...this.cpu(), kafka, pgTransactions };
  }

  /** A reading that closes a window: CPU first, then the counters. */
  async end(): Promise<CostReading> {
    const cpu = this.cpu();
    const pgTransactions = await this.pgTransactions();
    const kafka = await brokerRequestCounts(this.o.root, this.o.brokers);
    return { ...cpu, kafka, pgTransactions };
  }

  private cpu(): Pick<CostReading, 'at' | 'cpuSeconds' | 'machineSeconds'> {
    const cpu: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.o.processes())) {
      if (pid !== undefined && pid > 0) cpu[name] = safeCpuSeconds(pid);
    }
    cpu.postgres = postgresSeconds();
    return { at: Date.now(), cpuSeconds: cpu, machineSeconds: machineBusySeconds() };
  }

  private async pgTransactions(): Promise<Record<string, number>> {
    const client = new pg.Client({ connectionString: this.o.databaseUrl });
    try {
      await client.connect();
      // Counters are flushed by each backend at most once a second: a window of tens of seconds is what this is for.
      const r = await client.query<{ db: string | null; n: string }>(
        'SELECT datname AS db, (xact_commit + xact_rollback)::text AS n FROM pg_stat_database',
      );
      return Object.fromEntries(r.rows.map((row) => [row.db ?? '(shared)', Number(row.n)]));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/**
 * Transactions of the databases present at both readings: a database created or dropped meanwhile (another test's,
 * another run's) would otherwise add or subtract its whole count.
 */
function transactionsBetween(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): number {
  let n = 0;
  for (const [db, end] of Object.entries(b)) {
    const start = a[db];
    if (start !== undefined && end >= start) n += end - start;
  }
  return n;
}

/** The cost of the window between two readings, per request; `floorUs` is the run's CPU per pure decision. */
export function costBetween(a: CostReading, b: CostReading, requests: number, floorUs: number): CostFigures {
  const seconds = Math.max((b.at - a.at) / 1000, 0.001);
  const per = Math.max(requests, 1);
  const cpuMsPerRequest: Record<string, number> = {};
  const coreShare: Record<string, number> = {};
  let total = 0;
  for (const [name, end] of Object.entries(b.cpuSeconds)) {
    const used = Math.max(0, end - (a.cpuSeconds[name] ?? 0));
    cpuMsPerRequest[name] = (used * 1000) / per;
    coreShare[name] = used / seconds;
    total += used;
  }
  let kafkaRequestsPerRequest: Record<string, number> | undefined;
  if (a.kafka !== undefined && b.kafka !== undefined) {
    const delta = requestsBetween(a.kafka, b.kafka);
    kafkaRequestsPerRequest = {};
    let other = 0;
    for (const [api, n] of Object.entries(delta)) {
      if ((KAFKA_APIS as readonly string[]).includes(api)) kafkaRequestsPerRequest[api] = n / per;
      // FetchConsumer and FetchFollower are Fetch again, split by who asked.
      else if (!api.startsWith('Fetch')) other += n;
    }
    kafkaRequestsPerRequest.other = other / per;
  }
  const totalMs = (total * 1000) / per;
  return {
    seconds,
    requests,
    cpuMsPerRequest,
    totalCpuMsPerRequest: totalMs,
    machineCpuMsPerRequest: ((b.machineSeconds - a.machineSeconds) * 1000) / per,
    coreShare,
    floors: floorUs > 0 ? (totalMs * 1000) / floorUs : 0,
    kafkaRequestsPerRequest,
    pgTransactionsPerRequest: transactionsBetween(a.pgTransactions, b.pgTransactions) / per,
  };
}

/** Printed lines of one window: a line per process (ms per request and share of a core), totals, Kafka, Postgres. */
export function costLines(prefix: string, c: CostFigures, unit = 'request'): string[] {
  const lines: string[] = [];
  const names = Object.keys(c.cpuMsPerRequest).sort(
    (x, y) => (c.cpuMsPerRequest[y] ?? 0) - (c.cpuMsPerRequest[x] ?? 0),
  );
  for (const name of names) {
    lines.push(
      `${prefix} cpu ${name.padEnd(16)} ${fmt(c.cpuMsPerRequest[name] ?? 0, 3).padStart(9)} ms/${unit}  ${fmt((c.coreShare[name] ?? 0) * 100, 1).padStart(6)}% of a core`,
    );
  }
  lines.push(
    `${prefix} cpu TOTAL (listed processes) ${fmt(c.totalCpuMsPerRequest, 3)} ms/${unit}${c.floors > 0 ? ` = ${fmt(c.floors, 1)} floors` : ''}; whole machine ${fmt(c.machineCpuMsPerRequest, 3)} ms/${unit} (${fmt(c.seconds, 1)} s, ${fmt(c.requests)} ${unit}s)`,
  );
  if (c.kafkaRequestsPerRequest !== undefined) {
    lines.push(
      `${prefix} kafka requests per ${unit}: ${Object.entries(c.kafkaRequestsPerRequest)
        .map(([api, n]) => `${api} ${fmt(n, 3)}`)
        .join(', ')}`,
    );
  }
  lines.push(`${prefix} postgres transactions per ${unit}: ${fmt(c.pgTransactionsPerRequest, 3)}`);
  return lines;
}
