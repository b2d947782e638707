import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis, type RedisOptions } from 'ioredis';
import { writeRedisAclFile } from '../ops/redis/redisAcl.js';
import { testRedisAuth, testRedisUsers } from './redisTestUsers.js';

/**
 * A throwaway redis-server on a spare port (its own dir), so a test may stop, flush or kill it. It has the stack's
 * users (the same ACL file, from the configured credentials) when they are configured, so the worker a pipeline test
 * starts against it logs in as it does on the stack; `client()` is the admin.
 */
export class TestRedis {
  readonly port = 16_400 + Math.floor(Math.random() * 2_000);
  readonly url = `redis://127.0.0.1:${this.port}`;
  private readonly dir = mkdtempSync(join(tmpdir(), 'test-redis-'));
  private process: ChildProcess | undefined;

  constructor(private readonly o: { aof: boolean }) {}

  get running(): boolean {
    return this.process !== undefined && this.process.exitCode === null && this.process.signalCode === null;
  }

  async start(): Promise<void> {
    const users = testRedisUsers();
    const acl = join(this.dir, 'users.acl');
    if (users !== undefined) writeRedisAclFile(acl, users, { cluster: false });
    this.process = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '']
        .concat(this.o.aof ? ['--appendonly', 'yes'] : ['--appendonly', 'no'])
        .concat(users === undefined ? [] : ['--aclfile', acl]),
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100; i++) {
      const probe = this.client({ lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      probe.on('error', () => undefined);
      const ok = await probe
        .connect()
        .then(() => probe.ping())
        .then(() => true)
        .catch(() => false);
      probe.disconnect();
      if (ok) return;
      await sleep(100);
    }
    throw new Error(`test redis on ${this.port} did not start`);
  }

  /** SIGTERM (a clean stop, AOF flushed) or SIGKILL (a crash). */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const p = this.process;
    if (p === undefined || !this.running) return;
    const exited = new Promise((resolve) => p.once('exit', resolve));
    p.kill(signal);
    await exited;
  }

  client(options: RedisOptions = {}): Redis {
    return new Redis({ host: '127.0.0.1', port: this.port, ...testRedisAuth('ADMIN'), ...options });
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
