import type { Config } from '../config/config.js';
import { configuredCredentials } from './configuredCredentials.js';

/** The process kinds that log in to Postgres, each with its own role (docs/operations.md, "Database roles"). */
export type DatabasePrincipal =
  'admin' | 'owner' | 'worker' | 'sinks' | 'logWriter' | 'logMonitor' | 'api' | 'registry';

const VARIABLE = {
  admin: 'databaseCredentialsAdmin',
  owner: 'databaseCredentialsOwner',
  worker: 'databaseCredentialsWorker',
  sinks: 'databaseCredentialsSinks',
  logWriter: 'databaseCredentialsLogWriter',
  logMonitor: 'databaseCredentialsLogMonitor',
  api: 'databaseCredentialsApi',
  registry: 'databaseCredentialsRegistry',
} as const satisfies Record<DatabasePrincipal, keyof Config>;

/**
 * DATABASE_URL (server and database) with this process's own role and password in it, read once at start-up from
 * the file its variable names (relative to the working directory); a user or password already in the URL is
 * replaced. No file configured: DATABASE_URL as it is. The result holds a password: never log it.
 */
export function databaseUrlAs(
  config: Pick<Config, 'databaseUrl' | (typeof VARIABLE)[DatabasePrincipal]>,
  principal: DatabasePrincipal,
  cwd: string = process.cwd(),
): string {
  const credentials = configuredCredentials(config[VARIABLE[principal]], cwd);
  return credentials === undefined ? config.databaseUrl : withCredentials(config.databaseUrl, credentials);
}

/** The role a principal logs in as (from its credentials file), or undefined when none is configured. */
export function databaseRoleName(
  config: Pick<Config, (typeof VARIABLE)[DatabasePrincipal]>,
  principal: DatabasePrincipal,
  cwd: string = process.cwd(),
): string | undefined {
  return configuredCredentials(config[VARIABLE[principal]], cwd)?.username;
}

/** `url` logging in as `credentials`. */
export function withCredentials(url: string, credentials: { username: string; password: string }): string {
  const u = new URL(url);
  u.username = encodeURIComponent(credentials.username);
  u.password = encodeURIComponent(credentials.password);
  return u.toString();
}
