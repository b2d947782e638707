import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { isParmanaError } from '../../core/errors/ParmanaError.js';
import { RedisReplayStore } from './RedisReplayStore.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6380';
const redis = new Redis(REDIS_URL, { enableOfflineQueue: true, maxRetriesPerRequest: 1 });
const store = new RedisReplayStore(redis, {
  reservationMs: 300_000,
  failedMs: 30_000,
  terminalRetentionMs: 3_600_000,
  partitions: 12,
});
const id = (): string => `int-${randomUUID()}`;

afterAll(() => {
  redis.disconnect();
});

describe('RedisReplayStore (real Redis, Lua scripts)', () => {
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
    const ttl = await redis.pttl(store.keyOf(e));
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
    expect(await redis.pttl(store.keyOf(e))).toBeGreaterThan(3_500_000);
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
    expect(await redis.hget(store.keyOf(e), 's')).toBe('FAILED');
    expect(await redis.pttl(store.keyOf(e))).toBeLessThanOrEqual(30_000);
    expect(await store.reserveBatch([{ executionId: e, fingerprint: 'fp', source: 't:0:7' }])).toEqual([
      { result: 'reserved' },
    ]);
  });

  it('keeps PENDING_OVERRIDE without expiry and resolves it exactly once', async () => {
    const e = id();
    await store.reserveBatch([{ executionId: e, fingerprint: 'fp', source: 't:0:8' }]);
    await store.completeBatch([{ executionId: e, source: 't:0:8', finalState: 'PENDING_OVERRIDE', data: '{"d":1}' }]);
    expect(await redis.pttl(store.keyOf(e))).toBe(-1);
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
    const dead = new Redis('redis://127.0.0.1:1', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    dead.on('error', () => undefined);
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
    expect(store.keyOf('abc')).toBe(`parmana:replay:{${479470107 % 12}}:abc`);
    expect(store.tagOf('foobar')).toBe(`{${(-790332482 & 0x7fffffff) % 12}}`);
  });
});
