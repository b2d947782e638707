import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Credentials } from '../../shared/credentials/Credentials.js';
import { ensureCredentials } from '../credentials/ensureCredentials.js';
import { writeRedisAclFile, type RedisUsers } from '../redis/redisAcl.js';
import { redisCredentials } from '../runtime/redisCredentials.js';
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
  return { dir, log: join(dir, 'redis.log'), pid: join(dir, 'redis.pid'), acl: join(dir, 'users.acl') };
}

/** The single node's ACL file (rewritten by `stack up` and `stack redis-password`). */
export const redisAclFile = (stackDir: string): string => paths({ stackDir }).acl;

/** The single node's pid when the stack started it and it runs. */
export function redisNodePid(stackDir: string): number | undefined {
  const pid = readPid(paths({ stackDir }).pid);
  return pid !== undefined && isOurProcess(pid, MARKER) ? pid : undefined;
}

/**
 * The stack Redis's users when authentication is on (PARMANA_ADMIN_REDIS_CREDENTIALS set, as ops/local.env does):
 * the credentials files are generated if missing; each user is whatever its variable's file says. Unset: a Redis
 * without users or passwords, as before.
 */
export function redisSecurity(ctx: Pick<StackContext, 'root' | 'config'>): RedisUsers | undefined {
  if (ctx.config.redisCredentialsAdmin === '') return undefined;
  const { credentials } = ensureCredentials(ctx.root, (p) => p.component === 'redis');
  const get = (kind: 'worker' | 'admin'): Credentials => {
    const c = redisCredentials(ctx.config, kind, ctx.root) ?? credentials.get(`redis-${kind}`);
    if (c === undefined) throw new StackError('redis', `no credentials for the ${kind} user`);
    return c;
  };
  return { worker: get('worker'), admin: get('admin') };
}

async function ping(url: string, admin: Credentials | undefined): Promise<{ ok: boolean; aof: boolean }> {
  const redis = new Redis(url, {
    ...(admin === undefined ? {} : { username: admin.username, password: admin.password }),
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

/**
 * Rewrites the ACL file from the credentials files and, when that changed it, has the running Redis load it (as the
 * admin): a password changed in a credentials file takes effect without a restart. `ACL LOAD` closes every open
 * connection (each client logs in again), so an unchanged file is not reloaded.
 */
async function reloadAcl(url: string, file: string, users: RedisUsers): Promise<boolean> {
  if (!writeRedisAclFile(file, users, { cluster: false })) return false;
  const redis = new Redis(url, {
    username: users.admin.username,
    password: users.admin.password,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.acl('LOAD');
    return true;
  } catch (err) {
    throw new StackError(
      'redis',
      `ACL LOAD of ${file} failed (${(err as Error).message}): a Redis started without --aclfile needs stack down, then stack up`,
    );
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
    const users = redisSecurity(ctx);
    const admin = users?.admin;
    const pid = readPid(p.pid);
    if (pid !== undefined && isOurProcess(pid, MARKER)) {
      if (!(await ping(ctx.config.redisUrl, admin)).ok) {
        throw new StackError(
          'redis',
          `the running Redis (pid ${pid}) does not accept the admin ${admin === undefined ? 'without a password' : 'credentials'} (started with other users or passwords, or none): stack down, then stack up (the AOF keeps the replay state)`,
        );
      }
      const reloaded = users !== undefined && (await reloadAcl(ctx.config.redisUrl, p.acl, users));
      return `already running (pid ${pid}) on ${host}:${port}${reloaded ? ', users reloaded' : ''}`;
    }
    if (await tcpOpen(host, port)) {
      throw new StackError(
        'redis',
        `port ${port} is taken by a process this stack did not start (the stack's Redis must not be the shared one)`,
      );
    }
    ensureCommand('redis', 'redis-server', 'redis-server', ctx.print);
    mkdirSync(p.dir, { recursive: true });
    // Users come from a file (password hashes only), never from the command line, which `ps` shows to everyone.
    if (users !== undefined) writeRedisAclFile(p.acl, users, { cluster: false });
    const started = spawnDetached(
      'redis-server',
      [
        '--bind',
        host,
        '--port',
        String(port),
        '--dir',
        p.dir,
        ...(users === undefined ? [] : ['--aclfile', p.acl]),
        ...REDIS_PERSISTENCE_ARGS,
      ],
      { logFile: p.log, pidFile: p.pid },
    );
    await waitFor('redis', async () => (await ping(ctx.config.redisUrl, admin)).ok, {
      timeoutMs: 15_000,
      logFile: p.log,
      alive: () => isOurProcess(started, MARKER),
    });
    return `started (pid ${started}) on ${host}:${port} with AOF${users === undefined ? '' : `, users ${users.worker.username} and ${users.admin.username} (default off)`}`;
  },

  async down(ctx) {
    return stopRecorded(paths(ctx).pid, MARKER, 15_000);
  },

  async status(ctx): Promise<PartStatus> {
    const p = paths(ctx);
    const pid = readPid(p.pid);
    const ours = pid !== undefined && isOurProcess(pid, MARKER);
    // Status only reads: the admin's file as configured (none yet: the ping fails, as it would for a client).
    let admin: Credentials | undefined;
    try {
      admin = redisCredentials(ctx.config, 'admin', ctx.root);
    } catch {
      admin = undefined;
    }
    const r = await ping(ctx.config.redisUrl, admin);
    return {
      running: ours && r.ok,
      detail: `${ours ? `pid ${String(pid)}` : 'not started by the stack'}, ${r.ok ? `answers, appendonly ${r.aof ? 'yes' : 'no'}` : 'does not answer'} (log ${p.log})`,
    };
  },
};
