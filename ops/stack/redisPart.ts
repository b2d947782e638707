import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ensureCommand } from './prerequisites.js';
import { isOurProcess, readPid, spawnDetached, stopRecorded } from './processes.js';
import type { PartStatus, StackContext, StackPart } from './StackPart.js';
import { hostPort, StackError, tcpOpen, waitFor } from './waitFor.js';

const MARKER = 'redis-server';

/**
 * AOF on: the replay state must survive a restart. fsync every second bounds a machine crash's loss to ~1 s; the
 * replay ledger keeps every decided id whatever Redis loses. No RDB snapshots; in the foreground (the stack records
 * the pid). Shared by the single node and the cluster profile.
 */
export const REDIS_PERSISTENCE_ARGS: readonly string[] = [
  '--appendonly',
  'yes',
  '--appendfsync',
  'everysec',
  '--save',
  '',
  '--daemonize',
  'no',
];

function paths(ctx: Pick<StackContext, 'stackDir'>) {
  const dir = join(ctx.stackDir, 'redis');
  return { dir, log: join(dir, 'redis.log'), pid: join(dir, 'redis.pid') };
}

async function ping(url: string): Promise<{ ok: boolean; aof: boolean }> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    const aof = (await redis.config('GET', 'appendonly')) as string[];
    return { ok: true, aof: aof[1] === 'yes' };
  } catch {
    return { ok: false, aof: false };
  } finally {
    redis.disconnect();
  }
}

export const redisPart: StackPart = {
  name: 'redis',
  pidFile: (stackDir) => paths({ stackDir }).pid,

  async up(ctx) {
    const p = paths(ctx);
    const { host, port } = hostPort(ctx.config.redisUrl, 6379);
    const pid = readPid(p.pid);
    if (pid !== undefined && isOurProcess(pid, MARKER)) {
      await waitFor('redis', async () => (await ping(ctx.config.redisUrl)).ok, { timeoutMs: 15_000, logFile: p.log });
      return `already running (pid ${pid}) on ${host}:${port}`;
    }
    if (await tcpOpen(host, port)) {
      throw new StackError(
        'redis',
        `port ${port} is taken by a process this stack did not start (the stack's Redis must not be the shared one)`,
      );
    }
    ensureCommand('redis', 'redis-server', 'redis-server', ctx.print);
    mkdirSync(p.dir, { recursive: true });
    const started = spawnDetached(
      'redis-server',
      ['--bind', host, '--port', String(port), '--dir', p.dir, ...REDIS_PERSISTENCE_ARGS],
      { logFile: p.log, pidFile: p.pid },
    );
    await waitFor('redis', async () => (await ping(ctx.config.redisUrl)).ok, {
      timeoutMs: 15_000,
      logFile: p.log,
      alive: () => isOurProcess(started, MARKER),
    });
    return `started (pid ${started}) on ${host}:${port} with AOF`;
  },

  async down(ctx) {
    return stopRecorded(paths(ctx).pid, MARKER, 15_000);
  },

  async status(ctx): Promise<PartStatus> {
    const p = paths(ctx);
    const pid = readPid(p.pid);
    const ours = pid !== undefined && isOurProcess(pid, MARKER);
    const r = await ping(ctx.config.redisUrl);
    return {
      running: ours && r.ok,
      detail: `${ours ? `pid ${String(pid)}` : 'not started by the stack'}, ${r.ok ? `answers, appendonly ${r.aof ? 'yes' : 'no'}` : 'does not answer'} (log ${p.log})`,
    };
  },
};
