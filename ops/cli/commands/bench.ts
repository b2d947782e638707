import { KAFKA_CLIENTS } from '../../../kafka/createKafkaClient.js';
import type { KafkaClientName } from '../../../kafka/KafkaClient.js';
import { runBench, type Scenario } from '../../bench/runBench.js';
import { loadConfig } from '../../config/config.js';
import { option, positional, UsageError } from '../args.js';
import type { Command } from '../command.js';
import { databaseUrlAs } from '../../runtime/databaseConnection.js';

const SCENARIOS: readonly Scenario[] = ['floor', 'kafka-raw', 'pipeline', 'sync', 'idle', 'soak', 'ledger', 'all'];

const bench: Command = {
  path: ['bench'],
  usage:
    'bench <floor|kafka-raw|pipeline|sync|idle|soak|ledger|all> [--count N] [--runs N] [--rates 200,1000,2000] [--seconds 30] [--idle-seconds 30] [--soak-rate 500] [--soak-seconds 600] [--clients rdkafka,kafkajs] [--replay-ledger postgres,off]',
  summary: 'Measure the pure floor, raw Kafka and the pipeline on the local stack (table + bench-results/*.json)',
  async run(args, io) {
    const scenario = positional(args, 0, 'scenario') as Scenario;
    if (!SCENARIOS.includes(scenario)) throw new UsageError(`scenario is one of ${SCENARIOS.join(', ')}`);
    const count = Number(option(args, '--count') ?? '200000');
    const runs = Number(option(args, '--runs') ?? '3');
    const rates = (option(args, '--rates') ?? '200,1000,2000').split(',').map(Number);
    const seconds = Number(option(args, '--seconds') ?? '30');
    const idleSeconds = Number(option(args, '--idle-seconds') ?? '30');
    const soakRate = Number(option(args, '--soak-rate') ?? '500');
    const soakSeconds = Number(option(args, '--soak-seconds') ?? '600');
    const clients = (option(args, '--clients') ?? KAFKA_CLIENTS.join(',')).split(',') as KafkaClientName[];
    if (clients.length === 0 || !clients.every((c) => KAFKA_CLIENTS.includes(c)))
      throw new UsageError(`--clients is a comma-separated list of ${KAFKA_CLIENTS.join(', ')}`);
    const ledgers = (option(args, '--replay-ledger') ?? 'postgres').split(',');
    const replayLedgers = ledgers.filter((l): l is 'postgres' | 'off' => l === 'postgres' || l === 'off');
    if (replayLedgers.length !== ledgers.length)
      throw new UsageError('--replay-ledger is a comma-separated list of postgres, off');
    const positive = [count, runs, seconds, idleSeconds, soakRate, soakSeconds, ...rates];
    if (rates.length === 0 || !positive.every((n) => Number.isSafeInteger(n) && n > 0))
      throw new UsageError(
        '--count, --runs, --rates, --seconds, --idle-seconds, --soak-rate and --soak-seconds are positive integers',
      );
    const loaded = loadConfig(io.env, 'stack');
    await runBench(scenario, {
      // The benchmarks create and drop databases and read every table: as the cluster's superuser. The services
      // they start log in with their own roles (their credentials variables replace the user in DATABASE_URL).
      config: { ...loaded, databaseUrl: databaseUrlAs(loaded, 'admin', io.cwd) },
      root: io.cwd,
      env: { ...io.env },
      count,
      runs,
      rates,
      seconds,
      idleSeconds,
      soakRate,
      soakSeconds,
      clients,
      replayLedgers,
      print: io.stdout,
    });
    return 0;
  },
};

/** `parmana bench`. */
export const benchCommands: readonly Command[] = [bench];
