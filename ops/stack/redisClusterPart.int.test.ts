import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRedisCluster } from '../../test/TestRedisCluster.js';
import { redisClusterOk, redisClusterUp } from './redisClusterPart.js';

let cluster: TestRedisCluster;

beforeAll(async () => {
  cluster = await TestRedisCluster.start();
});

afterAll(async () => {
  await cluster.destroy();
});

const fields = (text: string): Map<string, string> =>
  new Map(
    text
      .split('\r\n')
      .map((l) => l.split(':'))
      .filter((kv): kv is [string, string] => kv.length === 2),
  );

describe('Redis Cluster stack part (real redis-server processes)', () => {
  it('runs three primaries, no replicas, cluster mode and AOF, every slot assigned, nodes.conf in each folder', async () => {
    for (const [i, n] of cluster.layout.nodes.entries()) {
      await cluster.admin(i, async (redis) => {
        const info = fields(await redis.cluster('INFO'));
        expect(info.get('cluster_state')).toBe('ok');
        expect(info.get('cluster_slots_assigned')).toBe('16384');
        expect(info.get('cluster_known_nodes')).toBe('3');
        expect(info.get('cluster_size')).toBe('3');
        expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
        expect(await redis.config('GET', 'appendfsync')).toEqual(['appendfsync', 'everysec']);
        expect(await redis.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
        expect(fields(await redis.info('replication')).get('connected_slaves')).toBe('0');
      });
      expect(existsSync(join(n.dir, 'nodes.conf'))).toBe(true);
    }
  });

  it('up again is a no-op: nothing started, the cluster not created twice', async () => {
    const message = await redisClusterUp(cluster.layout, () => undefined);
    expect(message).toMatch(/^already running; nodes /);
    expect(message).not.toContain('created');
  });

  it('a primary killed with -9 is started again by up, rejoins from its nodes.conf and still has its keys', async () => {
    const key = 'stack-part-test';
    const index = await cluster.nodeOf(key);
    await cluster.admin(index, (redis) => redis.set(key, 'kept'));
    await cluster.kill(index);
    expect(await redisClusterOk(cluster.layout)).toBe(false);

    const message = await redisClusterUp(cluster.layout, () => undefined);
    expect(message).toMatch(new RegExp(`^started ${cluster.node(index).port} pid \\d+; nodes `));
    expect(message).not.toContain('created');
    expect(await redisClusterOk(cluster.layout)).toBe(true);
    expect(await cluster.admin(index, (redis) => redis.get(key))).toBe('kept');
  });
});
