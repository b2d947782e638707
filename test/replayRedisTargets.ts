import { Cluster, Redis } from 'ioredis';
import { createRedisClient } from '../ops/runtime/createRedisClient.js';
import { waitFor } from '../ops/stack/waitFor.js';
import { testRedisAuth, testRedisCredentials } from './redisTestUsers.js';
import { TestRedisCluster } from './TestRedisCluster.js';

/** A Redis the replay store runs on in a test, and how to let go of it. */
export interface OpenReplayRedis {
  /** The store's client: on the stack's Redis it logs in as the worker's user, as the worker does. */
  readonly redis: Redis | Cluster;
  /** A client for what a test reads besides the store (TTLs, fields): the admin, outside the worker's ACL. */
  readonly inspect: Redis | Cluster;
  /** The throwaway cluster behind `redis`, for the cluster target. */
  readonly cluster?: TestRedisCluster;
  close(): Promise<void>;
}

export interface ReplayRedisTarget {
  readonly name: string;
  open(): Promise<OpenReplayRedis>;
  /** A client of this kind whose servers do not answer: the store must fail closed on it. */
  unreachable(): Redis | Cluster;
}

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6380';

/**
 * The replay int tests run once per target: the stack's single Redis and a throwaway three-primary Redis Cluster
 * (started by the test itself, reached through the worker's own client factory).
 */
export const replayRedisTargets: readonly ReplayRedisTarget[] = [
  {
    name: 'single Redis',
    open() {
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, ...testRedisAuth('WORKER') });
      const inspect = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, ...testRedisAuth('ADMIN') });
      return Promise.resolve({
        redis,
        inspect,
        close: () => {
          redis.disconnect();
          inspect.disconnect();
          return Promise.resolve();
        },
      });
    },
    unreachable() {
      const dead = new Redis('redis://127.0.0.1:1', {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        lazyConnect: true,
        retryStrategy: () => null,
      });
      dead.on('error', () => undefined);
      return dead;
    },
  },
  {
    name: 'Redis Cluster',
    async open() {
      const cluster = await TestRedisCluster.start();
      const config = { redisUrl: REDIS_URL, redisClusterNodes: cluster.seeds };
      // The worker's user for the store, the admin for inspection, as on the single node.
      const redis = createRedisClient(config, () => undefined, testRedisCredentials('WORKER'));
      const inspect = createRedisClient(config, () => undefined, testRedisCredentials('ADMIN'));
      // No offline queue: wait for the slot map before the first command, as the worker's retries would.
      for (const c of [redis, inspect]) {
        await waitFor('cluster client', () => Promise.resolve(c.status === 'ready'), {
          timeoutMs: 15_000,
          intervalMs: 20,
        });
      }
      return {
        redis,
        inspect,
        cluster,
        close: async () => {
          redis.disconnect();
          inspect.disconnect();
          await cluster.destroy();
        },
      };
    },
    unreachable() {
      const dead = new Cluster([{ host: '127.0.0.1', port: 1 }], {
        enableOfflineQueue: false,
        lazyConnect: true,
        clusterRetryStrategy: () => null,
      });
      dead.on('error', () => undefined);
      return dead;
    },
  },
];
