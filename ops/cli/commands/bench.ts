import { runBench, type Scenario } from '../../bench/runBench.js';
import { loadConfig } from '../../config/config.js';
import { option, positional, UsageError } from '../args.js';
import type { Command } from '../command.js';

const SCENARIOS: readonly Scenario[] = ['floor', 'kafka-raw', 'pipeline', 'all'];

const bench: Command = {
  path: ['bench'],
  usage: 'bench <floor|kafka-raw|pipeline|all> [--count N] [--runs N]',
  summary: 'Measure the pure floor, raw Kafka and the pipeline on the local stack (table + bench-results/*.json)',
  async run(args, io) {
    const scenario = positional(args, 0, 'scenario') as Scenario;
    if (!SCENARIOS.includes(scenario)) throw new UsageError(`scenario is one of ${SCENARIOS.join(', ')}`);
    const count = Number(option(args, '--count') ?? '200000');
    const runs = Number(option(args, '--runs') ?? '3');
    if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(runs) || runs < 1)
      throw new UsageError('--count and --runs are positive integers');
    await runBench(scenario, {
      config: loadConfig(io.env, 'stack'),
      root: io.cwd,
      env: { ...io.env },
      count,
      runs,
      print: io.stdout,
    });
    return 0;
  },
};

/** `parmana bench`. */
export const benchCommands: readonly Command[] = [bench];
