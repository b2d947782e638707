import type { Credentials } from '../shared/credentials/Credentials.js';
import { readCredentials } from '../shared/credentials/Credentials.js';

/** The stack's Postgres (ops/local.env fills DATABASE_URL in when the environment leaves it unset). */
export const testDatabaseServer = (): string => process.env.DATABASE_URL ?? 'postgres://127.0.0.1:5433/parmana';

/** A role's credentials from the file its variable names (PARMANA_<PROCESS>_DATABASE_CREDENTIALS), if set. */
export function testDatabaseCredentials(principal = 'ADMIN'): Credentials | undefined {
  const file = process.env[`PARMANA_${principal}_DATABASE_CREDENTIALS`];
  return file === undefined || file === '' ? undefined : readCredentials(file);
}

/** `url` logging in as the given role (the admin, a superuser, unless told): what the tests connect as. */
export function testDatabaseUrl(url: string = testDatabaseServer(), principal = 'ADMIN'): string {
  const c = testDatabaseCredentials(principal);
  if (c === undefined) return url;
  const u = new URL(url);
  u.username = encodeURIComponent(c.username);
  u.password = encodeURIComponent(c.password);
  return u.toString();
}
