import type { RedisOptions } from 'ioredis';
import type { RedisUsers } from '../ops/redis/redisAcl.js';
import { readCredentials, type Credentials } from '../shared/credentials/Credentials.js';

/** A Redis user's credentials from the file its variable names (PARMANA_<PROCESS>_REDIS_CREDENTIALS), if set. */
export function testRedisCredentials(principal: 'WORKER' | 'ADMIN'): Credentials | undefined {
  const file = process.env[`PARMANA_${principal}_REDIS_CREDENTIALS`];
  return file === undefined || file === '' ? undefined : readCredentials(file);
}

/** The worker's and the admin's users when the stack runs Redis with users (as ops/local.env configures it). */
export function testRedisUsers(): RedisUsers | undefined {
  const worker = testRedisCredentials('WORKER');
  const admin = testRedisCredentials('ADMIN');
  return worker === undefined || admin === undefined ? undefined : { worker, admin };
}

/** ioredis options logging in as a principal (none configured: no AUTH, for a Redis without users). */
export function testRedisAuth(principal: 'WORKER' | 'ADMIN' = 'ADMIN'): Pick<RedisOptions, 'username' | 'password'> {
  const c = testRedisCredentials(principal);
  return c === undefined ? {} : { username: c.username, password: c.password };
}
