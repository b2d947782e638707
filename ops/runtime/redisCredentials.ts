import type { Credentials } from '../../shared/credentials/Credentials.js';
import type { Config } from '../config/config.js';
import { configuredCredentials } from './configuredCredentials.js';

/** The Redis ACL users the processes log in as (docs/operations.md, "Redis users"). */
export type RedisPrincipal = 'worker' | 'admin';

const VARIABLE = {
  worker: 'redisCredentialsWorker',
  admin: 'redisCredentialsAdmin',
} as const satisfies Record<RedisPrincipal, keyof Config>;

/**
 * This process's Redis user, read once at start-up from the file its variable names (a relative path is taken from
 * the working directory). No file configured: undefined, no authentication (for a Redis that does not ask).
 */
export function redisCredentials(
  config: Pick<Config, (typeof VARIABLE)[RedisPrincipal]>,
  principal: RedisPrincipal,
  cwd: string = process.cwd(),
): Credentials | undefined {
  return configuredCredentials(config[VARIABLE[principal]], cwd);
}
