import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedisCredentials } from '../../test/redisTestUsers.js';
import { TestRedisCluster } from '../../test/TestRedisCluster.js';
import { waitFor } from '../stack/waitFor.js';
import { createRedisClient, type ReplayRedis } from './createRedisClient.js';

let cluster: TestRedisCluster;
let client: ReplayRedis;

beforeAll(async () => {
  cluster = await TestRedisCluster.start();
  // As the admin: the test writes a key of its own, outside the worker's replay keys.
  client = createRedisClient(
    { redisUrl: 'redis://127.0.0.1:1', redisClusterNodes: cluster.seeds },
    () => undefined,
    testRedisCredentials('ADMIN'),
  );
  // No offline queue: a command before the slot map is loaded fails, as it would in the worker (which retries).
  await waitFor('cluster client', () => Promise.resolve(client.status === 'ready'), {
    timeoutMs: 10_000,
    intervalMs: 20,
  });
});

afterAll(async () => {
  client.disconnect();
  await cluster.destroy();
});

describe('createRedisClient (real Redis Cluster)', () => {
  it('is a single-node client without REDIS_CLUSTER_NODES and a cluster client with it', () => {
    const single = createRedisClient({ redisUrl: 'redis://127.0.0.1:1', redisClusterNodes: [] }, () => undefined);
    expect(single).toBeInstanceOf(Redis);
    single.disconnect();
    expect(client).toBeInstanceOf(Cluster);
    expect(client.options.enableOfflineQueue).toBe(false);
  });

  it('fails closed while a primary is down (bounded, no queueing) and recovers by itself once it is back', async () => {
    const key = 'client-test';
    await client.set(key, 'before');
    const index = await cluster.nodeOf(key);
    await cluster.kill(index);

    const started = Date.now();
    await expect(client.get(key)).rejects.toThrow();
    // Refused within the client's bounds (redirection retries, command timeout), not held for later.
    expect(Date.now() - started).toBeLessThan(8_000);

    await cluster.restart(index);
    // Same client object: it finds the primary again through its slot map refreshes.
    await waitFor('cluster client', async () => (await client.get(key).catch(() => undefined)) === 'before', {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    await client.set(key, 'after');
    expect(await client.get(key)).toBe('after');
  });
});
