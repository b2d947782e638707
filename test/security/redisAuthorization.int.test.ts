import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisReplayStore } from '../../consumers/replay/RedisReplayStore.js';
import { isParmanaError } from '../../core/errors/ParmanaError.js';
import type { Credentials } from '../../shared/credentials/Credentials.js';
import { testRedisCredentials } from '../redisTestUsers.js';

// The stack's Redis runs with an ACL file (ops/redis/redisAcl.ts): `default` off, the worker's user limited to the
// replay keys and the scripts' commands, an admin. Each refusal here is the real server's.
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6380';
const STACK_DIR = process.env.PARMANA_STACK_DIR ?? '.stack';

function user(name: 'WORKER' | 'ADMIN'): Credentials {
  const c = testRedisCredentials(name);
  if (c === undefined)
    throw new Error(`PARMANA_${name}_REDIS_CREDENTIALS is not set: the stack's Redis must have users`);
  return c;
}

const worker = user('WORKER');
const admin = user('ADMIN');
const opened: Redis[] = [];

/** A connection that fails at once instead of retrying; no ready check, so the first command shows the refusal. */
function connect(options: RedisOptions = {}): Redis {
  const redis = new Redis(REDIS_URL, {
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableReadyCheck: false,
    ...options,
  });
  redis.on('error', () => undefined);
  opened.push(redis);
  return redis;
}

const as = (c: Credentials): RedisOptions => ({ username: c.username, password: c.password });
const outside = `other:${randomUUID()}`;
let asWorker: Redis;
let asAdmin: Redis;

beforeAll(async () => {
  asWorker = connect(as(worker));
  asAdmin = connect(as(admin));
  await asAdmin.set(outside, 'not the worker’s');
});

afterAll(async () => {
  await asAdmin.del(outside);
  for (const r of opened) r.disconnect();
});

describe('Redis authentication (the stack’s real Redis)', () => {
  it('refuses a connection without a password: NOAUTH', async () => {
    await expect(connect().ping()).rejects.toThrow(/^NOAUTH/);
    await expect(connect().get(outside)).rejects.toThrow(/^NOAUTH/);
  });

  it('has the default user disabled: no password logs in as it', async () => {
    await expect(connect({ password: 'anything' }).ping()).rejects.toThrow(/^WRONGPASS/);
    await expect(connect({ username: 'default', password: '' }).ping()).rejects.toThrow(/^(WRONGPASS|NOAUTH)/);
    const flags = (await asAdmin.call('ACL', 'GETUSER', 'default')) as unknown[];
    expect(flags[flags.indexOf('flags') + 1]).toContain('off');
  });

  it('refuses a wrong password of a real user: WRONGPASS', async () => {
    await expect(connect({ username: worker.username, password: `${worker.password}x` }).ping()).rejects.toThrow(
      /^WRONGPASS/,
    );
    await expect(connect({ username: admin.username, password: 'wrong' }).ping()).rejects.toThrow(/^WRONGPASS/);
  });

  it('makes the replay store fail closed (retriable INV-020) when the worker cannot log in', async () => {
    const refused = connect({ username: worker.username, password: 'wrong', lazyConnect: true });
    const store = new RedisReplayStore(refused, {
      reservationMs: 1,
      failedMs: 1,
      terminalRetentionMs: 1,
      partitions: 12,
    });
    const err: unknown = await store
      .reserveBatch([{ executionId: `auth-${randomUUID()}`, fingerprint: 'fp', source: 's' }])
      .catch((e: unknown) => e);
    expect(isParmanaError(err) && err.code === 'INV-020' && err.retriable).toBe(true);
  });

  it('keeps the ACL file private and free of passwords (only their SHA-256)', () => {
    const file = join(STACK_DIR, 'redis', 'users.acl');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(worker.password);
    expect(text).not.toContain(admin.password);
    expect(text).toMatch(/^user default off/m);
  });
});

describe('the worker’s Redis user (least privilege)', () => {
  it('cannot FLUSHALL: NOPERM', async () => {
    await expect(asWorker.flushall()).rejects.toThrow(/^NOPERM/);
  });

  it('cannot read or change the configuration: CONFIG GET / SET are NOPERM', async () => {
    await expect(asWorker.config('GET', 'appendonly')).rejects.toThrow(/^NOPERM/);
    await expect(asWorker.config('SET', 'appendonly', 'no')).rejects.toThrow(/^NOPERM/);
  });

  it('cannot list, read or write keys outside parmana:replay:*: NOPERM', async () => {
    await expect(asWorker.keys('*')).rejects.toThrow(/^NOPERM/);
    await expect(asWorker.get(outside)).rejects.toThrow(/^NOPERM/);
    await expect(asWorker.set(outside, 'x')).rejects.toThrow(/^NOPERM/);
    await expect(asWorker.hget(outside, 's')).rejects.toThrow(/^NOPERM/);
    await expect(asWorker.del(outside)).rejects.toThrow(/^NOPERM/);
    // Nor through a script: Redis checks what a script calls against the caller's ACL.
    await expect(asWorker.eval("return redis.call('DEL', KEYS[1])", 1, outside)).rejects.toThrow(/NOPERM|permission/i);
    expect(await asAdmin.get(outside)).toBe('not the worker’s');
  });

  it('cannot run what the worker never needs (ACL, SCRIPT FLUSH, SHUTDOWN, DEBUG, plain GET of its own keys)', async () => {
    await expect(asWorker.call('ACL', 'LIST')).rejects.toThrow(/^NOPERM/);
    await expect(asWorker.script('FLUSH')).rejects.toThrow(/^NOPERM/);
    await expect(asWorker.call('SHUTDOWN', 'NOSAVE')).rejects.toThrow(/^NOPERM/);
    await expect(asWorker.get('parmana:replay:{0}:x')).rejects.toThrow(/^NOPERM/);
  });

  it('runs the replay scripts on its own keys, as the worker does', async () => {
    // The worker's own client settings (ready check on): connecting needs nothing beyond the user's commands.
    const client = connect({ ...as(worker), enableReadyCheck: true, maxRetriesPerRequest: 1 });
    const store = new RedisReplayStore(client, {
      reservationMs: 60_000,
      failedMs: 1_000,
      terminalRetentionMs: 60_000,
      partitions: 12,
    });
    const e = `auth-${randomUUID()}`;
    expect(await store.reserveBatch([{ executionId: e, fingerprint: 'fp', source: 't:0:1' }])).toEqual([
      { result: 'reserved' },
    ]);
    expect(
      await store.completeBatch([{ executionId: e, source: 't:0:1', finalState: 'PENDING_OVERRIDE', data: '{}' }]),
    ).toEqual(['PENDING_OVERRIDE']);
    expect(await store.resolveOverride(e, 'cmd', true)).toMatchObject({ result: 'resolved', state: 'OVERRIDDEN' });
    expect(await asAdmin.hget(store.keyOf(e), 's')).toBe('OVERRIDDEN');
    const f = `auth-${randomUUID()}`;
    await store.reserveBatch([{ executionId: f, fingerprint: 'fp', source: 't:0:2' }]);
    await store.failBatch([{ executionId: f, source: 't:0:2' }]);
    expect(await asAdmin.hget(store.keyOf(f), 's')).toBe('FAILED');
    await asAdmin.del(store.keyOf(e), store.keyOf(f));
  });
});
