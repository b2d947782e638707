import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Credentials } from '../../shared/credentials/Credentials.js';
import { REPLAY_KEY_PREFIX } from '../../consumers/replay/RedisReplayStore.js';

/** The Redis users of a secured deployment: the worker's and an admin's (`stack`, `bench`, tests). */
export interface RedisUsers {
  readonly worker: Credentials;
  readonly admin: Credentials;
}

/**
 * What the worker's user may run, and nothing else (`-@all` first). Redis checks the commands a Lua script calls
 * against the caller's ACL too, so the scripts' own commands (consumers/replay/replayScripts.ts) are listed beside
 * EVALSHA/EVAL (ioredis sends EVALSHA and falls back to EVAL on NOSCRIPT). INFO is ioredis's ready check on connect
 * (it waits while Redis loads its AOF). The cluster client learns the slot map with CLUSTER SLOTS and checks
 * `cluster_state` with CLUSTER INFO before it is ready.
 */
export const WORKER_COMMANDS: readonly string[] = [
  'evalsha',
  'eval',
  'hget',
  'hmget',
  'hset',
  'del',
  'pexpire',
  'persist',
  'info',
];
export const WORKER_CLUSTER_COMMANDS: readonly string[] = ['cluster|slots', 'cluster|info'];

/** The replay entries' key pattern: every key the worker's user may touch. */
export const WORKER_KEY_PATTERN = `${REPLAY_KEY_PREFIX}*`;

/** A password as the ACL holds it: its SHA-256 ('#<hex>'); Redis compares hashes, so no file holds a password. */
export const hashedPassword = (password: string): string => `#${createHash('sha256').update(password).digest('hex')}`;

/** The ACL file's lines: `default` disabled, the worker limited to its keys and commands, the admin unrestricted. */
export function redisAclLines(users: RedisUsers, o: { cluster: boolean }): string[] {
  const commands = [...WORKER_COMMANDS, ...(o.cluster ? WORKER_CLUSTER_COMMANDS : [])];
  return [
    'user default off resetkeys resetchannels -@all',
    [
      `user ${users.worker.username} on ${hashedPassword(users.worker.password)}`,
      `resetkeys ~${WORKER_KEY_PATTERN} resetchannels -@all`,
      ...commands.map((c) => `+${c}`),
    ].join(' '),
    `user ${users.admin.username} on ${hashedPassword(users.admin.password)} ~* &* +@all`,
  ];
}

/**
 * Writes the ACL file `redis-server --aclfile` reads (0600: it names the users and their password hashes). Returns
 * false when the file already said the same (nothing to reload: `ACL LOAD` drops every connection of every user).
 */
export function writeRedisAclFile(file: string, users: RedisUsers, o: { cluster: boolean }): boolean {
  const text = `${redisAclLines(users, o).join('\n')}\n`;
  const same = existsSync(file) && readFileSync(file, 'utf8') === text;
  if (!same) writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
  return !same;
}
