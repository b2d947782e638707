import { isAbsolute, join } from 'node:path';
import { Redis } from 'ioredis';
import { newPassword, writeCredentialsFile } from '../credentials/credentialsFile.js';
import { credentialsDir } from '../credentials/ensureCredentials.js';
import { credentialsFileName } from '../credentials/principals.js';
import { hashedPassword, writeRedisAclFile, type RedisUsers } from '../redis/redisAcl.js';
import { hostPort, StackError } from './waitFor.js';
import { redisClusterAclFile, redisClusterLayout, redisClusterNodePid } from './redisClusterPart.js';
import { redisAclFile, redisNodePid, redisSecurity } from './redisPart.js';
import type { StackContext } from './StackPart.js';

interface Target {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly acl: string;
  readonly cluster: boolean;
}

/** Every Redis the stack runs now: the single node and the running nodes of the Redis Cluster profile. */
function runningTargets(ctx: StackContext): Target[] {
  const targets: Target[] = [];
  if (redisNodePid(ctx.stackDir) !== undefined) {
    const { host, port } = hostPort(ctx.config.redisUrl, 6379);
    targets.push({ name: 'redis', host, port, acl: redisAclFile(ctx.stackDir), cluster: false });
  }
  for (const n of redisClusterLayout(ctx).nodes) {
    if (redisClusterNodePid(n) === undefined) continue;
    targets.push({
      name: `redis-cluster ${n.port}`,
      host: n.host,
      port: n.port,
      acl: redisClusterAclFile(n),
      cluster: true,
    });
  }
  return targets;
}

/**
 * `stack redis-password <worker|admin>`: a new random password for one Redis user. Every running Redis of the stack
 * gets it (`ACL SETUSER … resetpass #<sha256>`, on connections opened as the current admin beforehand) and its ACL
 * file rewritten, then the user's credentials file is rewritten. New logins need the new password at once;
 * connections already open stay logged in until they reconnect, so restart the user's processes after.
 */
export async function rotateRedisPassword(ctx: StackContext, kind: string): Promise<string[]> {
  if (kind !== 'worker' && kind !== 'admin') throw new StackError('redis', `no Redis user "${kind}" (worker or admin)`);
  const before = redisSecurity(ctx);
  if (before === undefined)
    throw new StackError('redis', 'the stack runs Redis without users (PARMANA_ADMIN_REDIS_CREDENTIALS unset)');
  const targets = runningTargets(ctx);
  if (targets.length === 0)
    throw new StackError('redis', 'no Redis of the stack is running: start it first (stack up)');
  const after: RedisUsers = { ...before, [kind]: { ...before[kind], password: newPassword() } };
  const clients = targets.map(
    (t) =>
      new Redis({
        host: t.host,
        port: t.port,
        username: before.admin.username,
        password: before.admin.password,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      }),
  );
  const report: string[] = [];
  try {
    for (const c of clients) c.on('error', () => undefined);
    // Every node first accepts the current admin: nothing changes unless all of them can be changed.
    await Promise.all(
      clients.map((c, i) =>
        c.connect().catch((err: unknown) => {
          throw new StackError(targets[i]?.name ?? 'redis', `the admin cannot log in: ${(err as Error).message}`);
        }),
      ),
    );
    for (const [i, t] of targets.entries()) {
      // ACL SETUSER changes the one password in place (ACL LOAD would close every connection of every user); the
      // file says the same for the next start.
      await clients[i]
        ?.acl('SETUSER', after[kind].username, 'resetpass', hashedPassword(after[kind].password))
        .catch((err: unknown) => {
          throw new StackError(t.name, `ACL SETUSER failed: ${(err as Error).message}`);
        });
      writeRedisAclFile(t.acl, after, { cluster: t.cluster });
      report.push(`${t.name}: ${after[kind].username} has a new password`);
    }
  } finally {
    for (const c of clients) c.disconnect();
  }
  const configured = kind === 'worker' ? ctx.config.redisCredentialsWorker : ctx.config.redisCredentialsAdmin;
  const file =
    configured === ''
      ? join(credentialsDir(ctx.root), credentialsFileName({ component: 'redis', process: kind }))
      : isAbsolute(configured)
        ? configured
        : join(ctx.root, configured);
  writeCredentialsFile(file, after[kind]);
  report.push(`${file} updated: restart the ${kind === 'worker' ? 'worker' : 'admin'} process(es) to use it`);
  return report;
}
