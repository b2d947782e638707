import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from '../../shared/credentials/Credentials.js';
import { loadConfig } from '../config/config.js';
import { redisPart } from './redisPart.js';
import { rotateRedisPassword } from './rotateRedisPassword.js';
import { stackContext } from './runStack.js';
import type { StackContext } from './StackPart.js';

// A stack of its own (temp root, its own credentials, a free port): rotating never touches the shared stack's users.
const root = mkdtempSync(join(tmpdir(), 'redis-rotate-'));
let ctx: StackContext;
let port: number;
const opened: Redis[] = [];

const file = (kind: string): string => join(root, '.local', 'credentials', `redis-${kind}.json`);
const read = (kind: string): Credentials => JSON.parse(readFileSync(file(kind), 'utf8')) as Credentials;

function login(c: Credentials): Redis {
  const redis = new Redis({
    host: '127.0.0.1',
    port,
    username: c.username,
    password: c.password,
    // No ready check and no retries: the first command shows the server's answer to the login (INFO: the worker's
    // user may run it, PING not).
    enableReadyCheck: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  opened.push(redis);
  return redis;
}

beforeAll(async () => {
  port = await new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => {
        resolve(typeof a === 'object' && a !== null ? a.port : 0);
      });
    });
  });
  const env = {
    KAFKA_BROKERS: '127.0.0.1:1',
    SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1',
    DATABASE_URL: 'postgres://127.0.0.1:1/none',
    REDIS_URL: `redis://127.0.0.1:${port}`,
    PARMANA_STACK_DIR: join(root, '.stack'),
    PARMANA_ADMIN_REDIS_CREDENTIALS: '.local/credentials/redis-admin.json',
    PARMANA_WORKER_REDIS_CREDENTIALS: '.local/credentials/redis-worker.json',
    // The temp stack dir has no cluster node's pid file: rotation finds only the single node.
    PARMANA_REDIS_CLUSTER_PORT: '54000',
  };
  ctx = stackContext(loadConfig(env, 'stack'), root, () => undefined);
  expect(await redisPart.up(ctx)).toMatch(/users parmana-worker and parmana-admin \(default off\)/);
});

afterAll(async () => {
  for (const r of opened) r.disconnect();
  await redisPart.down(ctx);
  rmSync(root, { recursive: true, force: true });
});

describe('stack redis-password (a real redis-server started by the stack part)', () => {
  it('gives the worker a new password: the old one is refused at once, open connections keep working', async () => {
    const before = read('worker');
    const open = login(before);
    await open.info('server');
    const admin = login(read('admin'));
    await admin.info('server');
    const lines = await rotateRedisPassword(ctx, 'worker');
    expect(lines[0]).toBe('redis: parmana-worker has a new password');
    const after = read('worker');
    expect(after.password).not.toBe(before.password);
    expect(statSync(file('worker')).mode & 0o777).toBe(0o600);
    await expect(login(before).ping()).rejects.toThrow(/^WRONGPASS/);
    expect(await login(after).info('server')).toContain('redis_version');
    // Changed in place (ACL SETUSER), so nothing already logged in is dropped: a running worker goes on until it
    // reconnects (then it needs the new file: restart it).
    expect(await open.info('server')).toContain('redis_version');
    expect(await admin.info('server')).toContain('redis_version');
    // The ACL file holds the new hash, never a password.
    expect(readFileSync(join(ctx.stackDir, 'redis', 'users.acl'), 'utf8')).not.toContain(after.password);
  });

  it('rotates the admin too (logged in with the old one first), and up afterwards reloads the same users', async () => {
    const before = read('admin');
    await rotateRedisPassword(ctx, 'admin');
    const after = read('admin');
    await expect(login(before).ping()).rejects.toThrow(/^WRONGPASS/);
    const admin = login(after);
    expect(await admin.acl('WHOAMI')).toBe('parmana-admin');
    // The file already says what the server has: up leaves the users (and every connection) alone.
    expect(await redisPart.up(ctx)).toMatch(/^already running \(pid \d+\) on 127\.0\.0\.1:\d+$/);
    expect(await login(read('worker')).info('server')).toContain('redis_version');
  });

  it('up loads a credentials file replaced by hand (ACL LOAD)', async () => {
    const replaced = { username: 'parmana-worker', password: 'replaced-by-hand-0123456789' };
    writeFileSync(file('worker'), JSON.stringify(replaced), { mode: 0o600 });
    expect(await redisPart.up(ctx)).toMatch(/users reloaded$/);
    expect(await login(replaced).info('server')).toContain('redis_version');
  });

  it('refuses a user it does not know', async () => {
    await expect(rotateRedisPassword(ctx, 'api')).rejects.toThrow(/no Redis user "api"/);
  });
});
