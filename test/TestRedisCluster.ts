import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { isOurProcess } from '../ops/stack/processes.js';
import {
  redisClusterDown,
  redisClusterNodePid,
  redisClusterSeeds,
  redisClusterUp,
  startRedisClusterNode,
  waitForRedisCluster,
  type RedisClusterLayout,
  type RedisClusterNode,
} from '../ops/stack/redisClusterPart.js';
import { waitFor } from '../ops/stack/waitFor.js';
import { testRedisAuth, testRedisUsers } from './redisTestUsers.js';

/** Ports nothing listens on now: all held open together so no two are the same, then released. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => {
            resolve(s);
          });
        }),
    ),
  );
  const ports = servers.map((s) => {
    const address = s.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  });
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/**
 * A throwaway Redis Cluster for tests: three primaries (no replicas, AOF) on free ports in a temp folder, started
 * with the stack part's own code. Tests never depend on `stack up --redis-cluster`; they start one of these.
 */
export class TestRedisCluster {
  private constructor(
    readonly layout: RedisClusterLayout,
    private readonly dir: string,
  ) {}

  /** `nodeTimeoutMs` short, so a killed and restarted primary is marked failed and cleared within seconds. */
  static async start(nodeTimeoutMs = 1_000): Promise<TestRedisCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
    const ports = await freePorts(6);
    const nodes = [0, 1, 2].map((i): RedisClusterNode => ({
      host: '127.0.0.1',
      port: ports[i] ?? 0,
      busPort: ports[i + 3] ?? 0,
      dir: join(dir, String(ports[i])),
    }));
    // The stack's users when they are configured, so a worker logs in to it as it does on the stack.
    const users = testRedisUsers();
    const cluster = new TestRedisCluster(
      { name: 'test-redis-cluster', nodes, nodeTimeoutMs, ...(users === undefined ? {} : { users }) },
      dir,
    );
    try {
      await redisClusterUp(cluster.layout, () => undefined);
    } catch (err) {
      await cluster.destroy();
      throw err;
    }
    return cluster;
  }

  /** Seed nodes, as REDIS_CLUSTER_NODES lists them. */
  get seeds(): string[] {
    return redisClusterSeeds(this.layout);
  }

  node(index: number): RedisClusterNode {
    const n = this.layout.nodes[index];
    if (n === undefined) throw new Error(`no node ${index}`);
    return n;
  }

  /** A plain connection to one node (not cluster-aware), as the admin: for CLUSTER, CONFIG, INFO, MEMORY questions. */
  async admin<T>(index: number, use: (redis: Redis) => Promise<T>): Promise<T> {
    const n = this.node(index);
    const redis = new Redis({
      host: n.host,
      port: n.port,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      ...testRedisAuth('ADMIN'),
    });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      return await use(redis);
    } finally {
      redis.disconnect();
    }
  }

  /** Index of the primary serving `key`: its slot (CLUSTER KEYSLOT) looked up in CLUSTER SLOTS, asked of a live node. */
  async nodeOf(key: string, askIndex = 0): Promise<number> {
    return this.admin(askIndex, async (redis) => {
      const slot = await redis.cluster('KEYSLOT', key);
      const ranges = await redis.cluster('SLOTS');
      const owner = ranges.find(([from, to]) => slot >= from && slot <= to)?.[2];
      const index = this.layout.nodes.findIndex((n) => owner !== undefined && n.port === owner[1]);
      if (index === -1) throw new Error(`no node serves slot ${slot}`);
      return index;
    });
  }

  /**
   * kill -9 of one primary; returns once the process is gone. Redis writes the AOF before it replies, so what was
   * acknowledged survives a killed process (only a machine crash loses the last second, which `everysec` leaves
   * unsynced).
   */
  async kill(index: number): Promise<void> {
    const pid = redisClusterNodePid(this.node(index));
    if (pid === undefined) throw new Error(`node ${index} is not running`);
    process.kill(pid, 'SIGKILL');
    await waitFor(this.layout.name, () => Promise.resolve(!isOurProcess(pid, 'redis-server')), {
      timeoutMs: 10_000,
      intervalMs: 50,
    });
  }

  /**
   * Waits until the other primaries have marked a dead one failed (after the node timeout): without replicas and
   * with full slot coverage required (Redis's default) they then refuse every key with CLUSTERDOWN.
   */
  async waitForClusterDown(deadIndex: number): Promise<void> {
    const live = this.layout.nodes.map((_, i) => i).filter((i) => i !== deadIndex);
    const down = async (): Promise<boolean> => {
      const states = await Promise.all(live.map((i) => this.admin(i, (redis) => redis.cluster('INFO'))));
      return states.every((info) => info.includes('cluster_state:fail'));
    };
    await waitFor(this.layout.name, down, { timeoutMs: 30_000, intervalMs: 100 });
  }

  /** Starts a killed primary on its folder again (it rejoins from nodes.conf) and waits for `cluster_state:ok`. */
  async restart(index: number): Promise<void> {
    startRedisClusterNode(this.layout, this.node(index));
    await waitForRedisCluster(this.layout);
  }

  /** Stops every node it started and removes its folder. */
  async destroy(): Promise<void> {
    await redisClusterDown(this.layout);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
