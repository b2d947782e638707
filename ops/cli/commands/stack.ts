import { ConfigError, loadConfig } from '../../config/config.js';
import { clusterLayout, kafkaPart, kafkaPartFor, rotateKafkaPassword, singleLayout } from '../../stack/kafkaPart.js';
import { redisClusterPart } from '../../stack/redisClusterPart.js';
import { redisPart } from '../../stack/redisPart.js';
import { rotatePostgresPassword } from '../../stack/rotatePostgresPassword.js';
import { rotateRedisPassword } from '../../stack/rotateRedisPassword.js';
import { runStack, stackContext, type StackAction } from '../../stack/runStack.js';
import { STACK_PARTS } from '../../stack/stackParts.js';
import type { StackContext, StackPart } from '../../stack/StackPart.js';
import { StackError } from '../../stack/waitFor.js';
import { ensureSystemPackages, STACK_REQUIREMENTS, TEST_REQUIREMENTS } from '../../stack/systemPackages.js';
import { flag, option, positional, UsageError } from '../args.js';
import type { Command, CommandIo } from '../command.js';

/**
 * The stack's parts for `--brokers N` (the single broker is swapped for an N-node cluster on spare ports) and
 * `--redis-cluster` (a three-primary Redis Cluster beside the single Redis, which stays the default).
 */
function partsFor(action: StackAction, brokers: number, redisCluster: boolean): readonly StackPart[] {
  const cluster = kafkaPartFor((ctx) => clusterLayout(ctx, Math.max(brokers, 3)));
  // `down` stops whatever the stack started, the single broker, the Kafka cluster and the Redis Cluster alike.
  if (action === 'down') return [...STACK_PARTS, cluster, redisClusterPart];
  const kafka = brokers === 1 ? STACK_PARTS : STACK_PARTS.map((p) => (p === kafkaPart ? cluster : p));
  return redisCluster ? kafka.flatMap((p) => (p === redisPart ? [p, redisClusterPart] : [p])) : kafka;
}

function stackCommand(action: StackAction, summary: string): Command {
  return {
    path: ['stack', action],
    usage: `stack ${action} [--brokers 1|3] [--redis-cluster]`,
    summary,
    async run(args: readonly string[], io: CommandIo): Promise<number> {
      const brokers = Number(option(args, '--brokers') ?? '1');
      if (brokers !== 1 && brokers !== 3) throw new UsageError('--brokers is 1 (the default) or 3');
      try {
        const config = loadConfig(io.env, 'stack');
        if (action === 'up') ensureSystemPackages(STACK_REQUIREMENTS, io.stdout);
        const parts = partsFor(action, brokers, flag(args, '--redis-cluster'));
        const ok = await runStack(action, stackContext(config, io.cwd, io.stdout), parts);
        return ok ? 0 : 1;
      } catch (err) {
        if (err instanceof StackError || err instanceof ConfigError) {
          io.stderr(`stack ${action} failed: ${err.message}`);
          return 1;
        }
        throw err;
      }
    },
  };
}

const prerequisites: Command = {
  path: ['stack', 'prerequisites'],
  usage: 'stack prerequisites [--tests]',
  summary: "Install (as root) or name the system packages the stack needs; --tests: and the test suite's (chromium)",
  run(args: readonly string[], io: CommandIo): Promise<number> {
    try {
      ensureSystemPackages(args.includes('--tests') ? TEST_REQUIREMENTS : STACK_REQUIREMENTS, io.stdout);
      return Promise.resolve(0);
    } catch (err) {
      if (!(err instanceof StackError)) throw err;
      io.stderr(`stack prerequisites failed: ${err.message}`);
      return Promise.resolve(1);
    }
  },
};

/** `stack <component>-password <who>`: a new random password on the running servers and in the credentials file. */
function passwordCommand(
  component: 'kafka' | 'redis' | 'postgres',
  who: string,
  summary: string,
  rotate: (ctx: StackContext, kind: string) => readonly string[] | Promise<readonly string[]>,
): Command {
  const name = `${component}-password`;
  return {
    path: ['stack', name],
    usage: `stack ${name} <${who}>`,
    summary: `${summary} (restart its processes after)`,
    async run(args: readonly string[], io: CommandIo): Promise<number> {
      const kind = positional(args, 0, 'who');
      try {
        const ctx = stackContext(loadConfig(io.env, 'stack'), io.cwd, io.stdout);
        for (const line of await rotate(ctx, kind)) io.stdout(line);
        return 0;
      } catch (err) {
        if (err instanceof StackError || err instanceof ConfigError) {
          io.stderr(`stack ${name} failed: ${err.message}`);
          return 1;
        }
        throw err;
      }
    },
  };
}

const kafkaPassword = passwordCommand(
  'kafka',
  'worker|api|sinks|log-writer|log-monitor|producer|subscriber|admin',
  'Give a Kafka principal a new random password on the running broker(s) and in its .local/credentials file',
  (ctx, kind) => rotateKafkaPassword(ctx, [singleLayout(ctx), clusterLayout(ctx)], kind),
);
const redisPassword = passwordCommand(
  'redis',
  'worker|admin',
  'Give a Redis user a new random password on the running Redis (and Redis Cluster nodes) and in its credentials file',
  rotateRedisPassword,
);
const postgresPassword = passwordCommand(
  'postgres',
  'owner|worker|sinks|log-writer|log-monitor|api|registry|admin',
  "Give a Postgres role a new random password on the stack's cluster and in its .local/credentials file",
  rotatePostgresPassword,
);

/** `parmana stack up|down|status|prerequisites`: the local Kafka, registry, Redis and Postgres (idempotent). */
export const stackCommands: readonly Command[] = [
  prerequisites,
  stackCommand(
    'up',
    'Fetch and start Kafka (KRaft; --brokers 3: a three-node cluster), the schema registry and Redis (--redis-cluster: and a three-primary Redis Cluster); create the databases',
  ),
  stackCommand('down', 'Stop the processes the stack started (by their recorded pids), the clusters included'),
  stackCommand('status', 'Report each part of the stack; exit 1 when any is down'),
  kafkaPassword,
  redisPassword,
  postgresPassword,
];
