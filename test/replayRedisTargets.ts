import { Cluster, Redis } from 'ioredis';
import { createRedisClient } from '../ops/runtime/createRedisClient.js';
import { waitFor } from '../ops/stack/waitFor.js';
import { TestRedisCluster } from './TestRedisCluster.js';

/** A Redis the replay store runs on in a test, and how to let go of it. */
export interface OpenReplayRedis {
  readonly redis: Redis | Cluster;
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
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
      return Promise.resolve({
        redis,
        close: () => {
          redis.disconnect();
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
      const redis = createRedisClient({ redisUrl: REDIS_URL, redisClusterNodes: cluster.seeds }, () => undefined);
      // No offline queue: wait for the slot map before the first command, as the worker's retries would.
      await waitFor('cluster client', () => Promise.resolve(redis.status === 'ready'), {
        timeoutMs: 15_000,
        intervalMs: 20,
      });
      return {
        redis,
        cluster,
        close: async () => {
          redis.disconnect();
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
