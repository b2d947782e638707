import { randomUUID } from 'node:crypto';
import { Redis, type Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isParmanaError } from '../../core/errors/ParmanaError.js';
import { replayRedisTargets, type OpenReplayRedis } from '../../test/replayRedisTargets.js';
import type { TestRedisCluster } from '../../test/TestRedisCluster.js';
import { RedisReplayStore } from './RedisReplayStore.js';

const TTLS = { reservationMs: 300_000, failedMs: 30_000, terminalRetentionMs: 3_600_000, partitions: 12 };
const id = (): string => `int-${randomUUID()}`;

describe.each(replayRedisTargets)('RedisReplayStore on $name (real Redis, Lua scripts)', (target) => {
  let open: OpenReplayRedis;
  let redis: Redis | Cluster;
  let store: RedisReplayStore;

  beforeAll(async () => {
    open = await target.open();
    redis = open.redis;
    store = new RedisReplayStore(redis, TTLS);
  });

  afterAll(async () => {
    await open.close();
  });

  it('answers a batch larger than one script call item by item, in order', async () => {
    const ids = Array.from({ length: 1_201 }, () => id());
    // Every third item repeats the previous id from another source: a replay inside the same batch.
    const items = ids.map((e, i) => ({
      executionId: i % 3 === 2 ? (ids[i - 1] ?? e) : e,
      fingerprint: `fp${i}`,
      source: `t:0:${i}`,
    }));
    const replies = await store.reserveBatch(items);
    expect(replies).toHaveLength(items.length);
    replies.forEach((r, i) => {
      expect(r.result).toBe(i % 3 === 2 ? 'replay' : 'reserved');
    });
    const done = await store.completeBatch(
      items
        .filter((_, i) => i % 3 !== 2)
        .map((it) => ({ executionId: it.executionId, source: it.source, finalState: 'CONFIRMED', data: '{}' })),
    );
    expect(new Set(done)).toEqual(new Set(['CONFIRMED']));
    expect(done).toHaveLength(801);
  });

  it('reserves once; the same source resumes, another source is a replay', async () => {
    const e = id();
    const [first, again, other] = await store.reserveBatch([
      { executionId: e, fingerprint: 'fp1', source: 't:0:1' },
      { executionId: e, fingerprint: 'fp1', source: 't:0:1' },
      { executionId: e, fingerprint: 'fp2', source: 't:3:9' },
    ]);
    expect(first).toEqual({ result: 'reserved' });
    expect(again).toEqual({ result: 'resumed', state: 'RESERVED', fingerprint: 'fp1' });
    expect(other).toEqual({ result: 'replay', state: 'RESERVED', fingerprint: 'fp1' });
    const ttl = await open.inspect.pttl(store.keyOf(e));
    expect(ttl).toBeGreaterThan(290_000);
    expect(ttl).toBeLessThanOrEqual(300_000);
  });

  it('completes to CONFIRMED with the retention TTL; later requests are replays', async () => {
    const e = id();
    await store.reserveBatch([{ executionId: e, fingerprint: 'fp', source: 't:0:2' }]);
    expect(
      await store.completeBatch([{ executionId: e, source: 't:0:2', finalState: 'CONFIRMED', data: '{}' }]),
    ).toEqual(['CONFIRMED']);
    // Completing again (a crash between Redis and the Kafka commit) is accepted, not an error.
    expect(
      await store.completeBatch([{ executionId: e, source: 't:0:2', finalState: 'CONFIRMED', data: '{}' }]),
    ).toEqual(['CONFIRMED']);
    expect(await open.inspect.pttl(store.keyOf(e))).toBeGreaterThan(3_500_000);
    const [resumed, replay] = await store.reserveBatch([
      { executionId: e, fingerprint: 'fp', source: 't:0:2' },
      { executionId: e, fingerprint: 'fp', source: 't:0:3' },
    ]);
    expect(resumed).toEqual({ result: 'resumed', state: 'CONFIRMED', fingerprint: 'fp' });
    expect(replay).toMatchObject({ result: 'replay', state: 'CONFIRMED' });
  });

  it('refuses to complete a reservation held by another source', async () => {
    const e = id();
    await store.reserveBatch([{ executionId: e, fingerprint: 'fp', source: 't:0:4' }]);
    await expect(
      store.completeBatch([{ executionId: e, source: 't:0:5', finalState: 'CONFIRMED', data: '{}' }]),
    ).rejects.toMatchObject({ code: 'INV-022' });
  });

  it('FAILED expires quickly and may be retried', async () => {
    const e = id();
    await store.reserveBatch([{ executionId: e, fingerprint: 'fp', source: 't:0:6' }]);
    await store.failBatch([{ executionId: e, source: 't:0:6' }]);
    expect(await open.inspect.hget(store.keyOf(e), 's')).toBe('FAILED');
    expect(await open.inspect.pttl(store.keyOf(e))).toBeLessThanOrEqual(30_000);
    expect(await store.reserveBatch([{ executionId: e, fingerprint: 'fp', source: 't:0:7' }])).toEqual([
      { result: 'reserved' },
    ]);
  });

  it('keeps PENDING_OVERRIDE without expiry and resolves it exactly once', async () => {
    const e = id();
    await store.reserveBatch([{ executionId: e, fingerprint: 'fp', source: 't:0:8' }]);
    await store.completeBatch([{ executionId: e, source: 't:0:8', finalState: 'PENDING_OVERRIDE', data: '{"d":1}' }]);
    expect(await open.inspect.pttl(store.keyOf(e))).toBe(-1);
    expect(await store.resolveOverride(e, 'cmd-1', true)).toEqual({
      result: 'resolved',
      state: 'OVERRIDDEN',
      fingerprint: 'fp',
      data: '{"d":1}',
    });
    expect(await store.resolveOverride(e, 'cmd-1', true)).toMatchObject({ result: 'resumed', state: 'OVERRIDDEN' });
    expect(await store.resolveOverride(e, 'cmd-2', false)).toEqual({ result: 'already_resolved', state: 'OVERRIDDEN' });
    expect(await store.resolveOverride(id(), 'cmd-3', true)).toEqual({ result: 'not_found', state: '' });
  });

  it('fails closed with the retriable INV-020 when Redis is unreachable', async () => {
    const dead = target.unreachable();
    const offline = new RedisReplayStore(dead, {
      reservationMs: 1000,
      failedMs: 1000,
      terminalRetentionMs: 1000,
      partitions: 12,
    });
    const err: unknown = await offline
      .reserveBatch([{ executionId: id(), fingerprint: 'fp', source: 's' }])
      .catch((e: unknown) => e);
    expect(isParmanaError(err) && err.code === 'INV-020' && err.retriable).toBe(true);
    dead.disconnect();
  });
});

describe('RedisReplayStore key layout', () => {
  it('tags each key with its request partition, as Kafka partitions the executionId', () => {
    // Never connected: keys are computed without Redis.
    const idle = new Redis({ lazyConnect: true });
    const store = new RedisReplayStore(idle, TTLS);
    expect(store.keyOf('abc')).toBe(`parmana:replay:{${479470107 % 12}}:abc`);
    expect(store.tagOf('foobar')).toBe(`{${(-790332482 & 0x7fffffff) % 12}}`);
    idle.disconnect();
  });
});

describe('RedisReplayStore on a Redis Cluster: each script call stays in one slot, on one node', () => {
  const clusterTarget = replayRedisTargets.find((t) => t.name === 'Redis Cluster');
  let open: OpenReplayRedis;
  let cluster: TestRedisCluster;
  let store: RedisReplayStore;

  beforeAll(async () => {
    if (clusterTarget === undefined) throw new Error('no Redis Cluster target');
    open = await clusterTarget.open();
    if (open.cluster === undefined) throw new Error('the cluster target has no cluster');
    cluster = open.cluster;
    store = new RedisReplayStore(open.redis, TTLS);
  });

  afterAll(async () => {
    await open.close();
  });

  const nodes = (): number[] => cluster.layout.nodes.map((_, i) => i);

  /** Script calls (EVAL and EVALSHA: ioredis sends the script once per connection, then its hash) per node. */
  async function scriptCalls(): Promise<number[]> {
    return Promise.all(
      nodes().map((i) =>
        cluster.admin(i, async (redis) => {
          const stats = await redis.info('commandstats');
          return [...stats.matchAll(/^cmdstat_eval(?:sha)?:calls=(\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
        }),
      ),
    );
  }

  async function resetStats(): Promise<void> {
    await Promise.all(nodes().map((i) => cluster.admin(i, (redis) => redis.config('RESETSTAT'))));
  }

  /** `count` fresh executionIds whose request partition is `partition`. */
  function idsOfPartition(partition: number, count: number): string[] {
    const out: string[] = [];
    while (out.length < count) {
      const e = id();
      if (store.tagOf(e) === `{${partition}}`) out.push(e);
    }
    return out;
  }

  it('a chunk of 500 ids of one request partition is one script call on one node, its keys in one slot', async () => {
    const ids = idsOfPartition(5, 500);
    const keys = ids.map((e) => store.keyOf(e));
    const owner = await cluster.nodeOf(keys[0] ?? '');
    const slot = await cluster.admin(owner, (redis) => redis.cluster('KEYSLOT', keys[0] ?? ''));
    const before = await cluster.admin(owner, (redis) => redis.cluster('COUNTKEYSINSLOT', slot));
    await resetStats();

    const replies = await store.reserveBatch(
      ids.map((e, i) => ({ executionId: e, fingerprint: 'fp', source: `t:5:${i}` })),
    );

    expect(new Set(replies.map((r) => r.result))).toEqual(new Set(['reserved']));
    expect(await scriptCalls()).toEqual(nodes().map((i) => (i === owner ? 1 : 0)));
    const after = await cluster.admin(owner, (redis) => redis.cluster('COUNTKEYSINSLOT', slot));
    expect(after - before).toBe(500);
  });

  it('a batch over every partition is one call per partition and per 500 items, each on the node of its slot', async () => {
    const byPartition = [...Array<number>(12).keys()].map((p) => idsOfPartition(p, p === 3 ? 1_001 : 40 + p));
    const expected = nodes().map(() => 0);
    for (const ids of byPartition) {
      const owner = await cluster.nodeOf(store.keyOf(ids[0] ?? ''));
      expected[owner] = (expected[owner] ?? 0) + Math.ceil(ids.length / 500);
    }
    // Interleaved, as a cycle of many partitions arrives; replies still come back in the order of the items.
    const items = byPartition
      .flatMap((ids) => ids.map((e, i) => ({ e, i })))
      .sort((a, b) => a.i - b.i)
      .map(({ e }, i) => ({ executionId: e, fingerprint: `fp${i}`, source: `t:x:${i}` }));
    await resetStats();

    const replies = await store.reserveBatch(items);
    const again = await store.reserveBatch(items);

    expect(replies.every((r) => r.result === 'reserved')).toBe(true);
    again.forEach((r, i) => {
      expect(r).toEqual({ result: 'resumed', state: 'RESERVED', fingerprint: `fp${i}` });
    });
    // 12 partitions: 11 calls plus 3 for the partition with 1,001 items, twice.
    expect((await scriptCalls()).reduce((a, b) => a + b, 0)).toBe(2 * 14);
    expect(await scriptCalls()).toEqual(expected.map((n) => 2 * n));
  });
});
