import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ensureCommand } from './prerequisites.js';
import { isOurProcess, readPid, spawnDetached, stopRecorded } from './processes.js';
import type { Credentials } from '../../shared/credentials/Credentials.js';
import { writeRedisAclFile, type RedisUsers } from '../redis/redisAcl.js';
import { REDIS_PERSISTENCE_ARGS, redisSecurity } from './redisPart.js';
import type { PartStatus, StackContext, StackPart } from './StackPart.js';
import { StackError, tcpOpen, waitFor } from './waitFor.js';

const MARKER = 'redis-server';

/** One primary of a local Redis Cluster: client port, cluster bus port and its own folder (AOF, nodes.conf). */
export interface RedisClusterNode {
  readonly host: string;
  readonly port: number;
  readonly busPort: number;
  readonly dir: string;
}

export interface RedisClusterLayout {
  readonly name: string;
  readonly nodes: readonly RedisClusterNode[];
  /** How long a silent node has before the others mark it failed (cluster-node-timeout). */
  readonly nodeTimeoutMs: number;
  /**
   * The users every node has (the single node's ACL, plus CLUSTER SLOTS for the worker's cluster client); none: no
   * authentication. The cluster bus needs none, and without replicas no node replicates (no masteruser/masterauth).
   */
  readonly users?: RedisUsers;
}

const nodePaths = (n: RedisClusterNode) => ({
  log: join(n.dir, 'redis.log'),
  pid: join(n.dir, 'redis.pid'),
  acl: join(n.dir, 'users.acl'),
});

const authOf = (admin: Credentials | undefined) =>
  admin === undefined ? {} : { username: admin.username, password: admin.password };

/**
 * `stack up --redis-cluster`: three primaries on PARMANA_REDIS_CLUSTER_PORT, +1, +2 (bus ports +10000, Redis's
 * convention), each in `<stackDir>/redis-cluster/<port>/`. It runs beside the single node, which stays the default.
 */
export function redisClusterLayout(ctx: Pick<StackContext, 'stackDir' | 'config' | 'root'>): RedisClusterLayout {
  const base = ctx.config.redisClusterPort;
  const users = redisSecurity(ctx);
  return {
    ...(users === undefined ? {} : { users }),
    name: 'redis-cluster',
    nodes: [0, 1, 2].map((i) => ({
      host: '127.0.0.1',
      port: base + i,
      busPort: base + i + 10_000,
      dir: join(ctx.stackDir, 'redis-cluster', String(base + i)),
    })),
    nodeTimeoutMs: 5_000,
  };
}

/** A node's ACL file (rewritten by `stack redis-password`). */
export const redisClusterAclFile = (n: RedisClusterNode): string => nodePaths(n).acl;

/** The seed list of a layout, for REDIS_CLUSTER_NODES. */
export function redisClusterSeeds(layout: RedisClusterLayout): string[] {
  return layout.nodes.map((n) => `${n.host}:${n.port}`);
}

/** The recorded pid of a running node, if any (tests kill -9 it to lose a primary). */
export function redisClusterNodePid(n: RedisClusterNode): number | undefined {
  const pid = readPid(nodePaths(n).pid);
  return pid !== undefined && isOurProcess(pid, MARKER) ? pid : undefined;
}

/** Starts one node unless it runs; a node restarted on its folder rejoins the cluster from its nodes.conf. */
export function startRedisClusterNode(layout: RedisClusterLayout, n: RedisClusterNode): number {
  const running = redisClusterNodePid(n);
  if (running !== undefined) return running;
  const p = nodePaths(n);
  mkdirSync(n.dir, { recursive: true });
  if (layout.users !== undefined) writeRedisAclFile(p.acl, layout.users, { cluster: true });
  // AOF as on the single node: a restarted primary comes back with its keys, losing at most the last second.
  return spawnDetached(
    'redis-server',
    [
      '--bind',
      n.host,
      '--port',
      String(n.port),
      '--dir',
      n.dir,
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      'nodes.conf',
      '--cluster-port',
      String(n.busPort),
      '--cluster-node-timeout',
      String(layout.nodeTimeoutMs),
      ...(layout.users === undefined ? [] : ['--aclfile', p.acl]),
      ...REDIS_PERSISTENCE_ARGS,
    ],
    { logFile: p.log, pidFile: p.pid },
  );
}

/** `CLUSTER INFO` of one node as fields, or undefined when it does not answer. */
async function clusterInfo(n: RedisClusterNode, admin?: Credentials): Promise<Map<string, string> | undefined> {
  const redis = new Redis({
    ...authOf(admin),
    host: n.host,
    port: n.port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    connectTimeout: 1_000,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const text = await redis.cluster('INFO');
    return new Map(
      text
        .split('\r\n')
        .map((line) => line.split(':'))
        .filter((kv): kv is [string, string] => kv.length === 2)
        .map(([k, v]) => [k, v]),
    );
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

/** True when every node answers and sees the whole cluster healthy (all slots served, every node known). */
export async function redisClusterOk(layout: RedisClusterLayout): Promise<boolean> {
  const infos = await Promise.all(layout.nodes.map((n) => clusterInfo(n, layout.users?.admin)));
  return infos.every(
    (i) => i?.get('cluster_state') === 'ok' && Number(i.get('cluster_known_nodes')) === layout.nodes.length,
  );
}

/** Waits until every node of the layout reports `cluster_state:ok`. */
export async function waitForRedisCluster(layout: RedisClusterLayout, timeoutMs = 60_000): Promise<void> {
  const first = layout.nodes[0];
  await waitFor(layout.name, () => redisClusterOk(layout), {
    timeoutMs,
    intervalMs: 200,
    ...(first === undefined ? {} : { logFile: nodePaths(first).log }),
  });
}

/**
 * Assigns the slots once: only when no node holds a slot or knows another node (fresh folders). A cluster created
 * before, with nodes restarted since, reassembles itself from the nodes.conf files.
 */
async function createOnce(layout: RedisClusterLayout): Promise<boolean> {
  const first = layout.nodes[0];
  const info = (n: RedisClusterNode) => clusterInfo(n, layout.users?.admin);
  await waitFor(layout.name, async () => (await Promise.all(layout.nodes.map(info))).every(Boolean), {
    timeoutMs: 15_000,
    intervalMs: 100,
    ...(first === undefined ? {} : { logFile: nodePaths(first).log }),
  });
  const infos = await Promise.all(layout.nodes.map(info));
  const fresh = infos.every(
    (i) => Number(i?.get('cluster_slots_assigned')) === 0 && Number(i?.get('cluster_known_nodes')) === 1,
  );
  if (!fresh) return false;
  const admin = layout.users?.admin;
  // eslint-disable-next-line no-restricted-properties -- handed on to redis-cli (its PATH), not read as configuration.
  const inherited = process.env;
  // As the admin: the user name on the command line, the password in REDISCLI_AUTH (never in argv, which ps shows).
  const create = spawnSync(
    'redis-cli',
    [
      ...(admin === undefined ? [] : ['--user', admin.username]),
      '--cluster',
      'create',
      ...redisClusterSeeds(layout),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ],
    {
      encoding: 'utf8',
      timeout: 60_000,
      env: admin === undefined ? inherited : { ...inherited, REDISCLI_AUTH: admin.password },
    },
  );
  if (create.status !== 0) {
    throw new StackError(layout.name, `redis-cli --cluster create failed: ${create.stdout}${create.stderr}`.trim());
  }
  return true;
}

/** Starts every node that is not running, creates the cluster the first time and waits for `cluster_state:ok`. */
export async function redisClusterUp(layout: RedisClusterLayout, print: (line: string) => void): Promise<string> {
  ensureCommand(layout.name, 'redis-server', 'redis-server', print);
  ensureCommand(layout.name, 'redis-cli', 'redis-tools', print);
  const started: string[] = [];
  for (const n of layout.nodes) {
    if (redisClusterNodePid(n) !== undefined) continue;
    for (const port of [n.port, n.busPort]) {
      if (await tcpOpen(n.host, port)) {
        throw new StackError(layout.name, `port ${port} is taken by a process this stack did not start`);
      }
    }
    started.push(`${n.port} pid ${startRedisClusterNode(layout, n)}`);
  }
  const created = await createOnce(layout);
  await waitForRedisCluster(layout);
  const what = started.length === 0 ? 'already running' : `started ${started.join(', ')}`;
  return `${what}${created ? ', cluster created' : ''}; nodes ${redisClusterSeeds(layout).join(',')} (3 primaries, no replicas, AOF)`;
}

/** Stops the nodes this layout recorded (SIGTERM: Redis flushes its AOF on the way out). */
export async function redisClusterDown(layout: RedisClusterLayout): Promise<string> {
  const results = await Promise.all(layout.nodes.map((n) => stopRecorded(nodePaths(n).pid, MARKER, 15_000)));
  return results.join(', ');
}

/** A stack part for a layout (the stack's own, or a test's throwaway one). */
export function redisClusterPartFor(layoutOf: (ctx: StackContext) => RedisClusterLayout): StackPart {
  return {
    name: 'redis-cluster',

    up(ctx) {
      return redisClusterUp(layoutOf(ctx), ctx.print);
    },

    down(ctx) {
      return redisClusterDown(layoutOf(ctx));
    },

    async status(ctx): Promise<PartStatus> {
      const layout = layoutOf(ctx);
      const ours = layout.nodes.filter((n) => redisClusterNodePid(n) !== undefined).length;
      const ok = await redisClusterOk(layout);
      return {
        running: ours === layout.nodes.length && ok,
        detail: `${ours}/${layout.nodes.length} node(s) started by the stack, cluster_state ${ok ? 'ok' : 'not ok'} (${layout.nodes.map((n) => nodePaths(n).log).join(', ')})`,
      };
    },
  };
}

/** The stack's Redis Cluster (`stack up --redis-cluster`). */
export const redisClusterPart: StackPart = redisClusterPartFor(redisClusterLayout);
