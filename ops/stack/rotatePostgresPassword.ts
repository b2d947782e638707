import { join } from 'node:path';
import pg from 'pg';
import { newPassword, writeCredentialsFile } from '../credentials/credentialsFile.js';
import { credentialsDir, ensureCredentials } from '../credentials/ensureCredentials.js';
import { credentialsFileName } from '../credentials/principals.js';
import { withCredentials } from '../runtime/databaseConnection.js';
import type { StackContext } from './StackPart.js';
import { StackError } from './waitFor.js';

/**
 * Gives a Postgres role a new random password on the stack's running cluster (ALTER ROLE as the admin), then in its
 * credentials file (written whole and renamed, 0600). Sessions already open keep working; the next login needs the
 * new password, so the role's processes are restarted after.
 */
export async function rotatePostgresPassword(ctx: StackContext, kind: string): Promise<string[]> {
  const { credentials } = ensureCredentials(ctx.root, (p) => p.component === 'postgres');
  const target = credentials.get(`postgres-${kind}`);
  const admin = credentials.get('postgres-admin');
  if (target === undefined || admin === undefined) throw new StackError('postgres', `no Postgres role "${kind}"`);
  const url = new URL(withCredentials(ctx.config.databaseUrl, admin));
  url.pathname = '/postgres';
  const password = newPassword();
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    throw new StackError(
      'postgres',
      `cannot log in as the admin: ${err instanceof Error ? err.message : String(err)} (is the stack up?)`,
    );
  }
  try {
    await client.query(
      `ALTER ROLE ${client.escapeIdentifier(target.username)} PASSWORD ${client.escapeLiteral(password)}`,
    );
  } finally {
    await client.end();
  }
  const file = join(credentialsDir(ctx.root), credentialsFileName(target));
  writeCredentialsFile(file, { username: target.username, password });
  return [`postgres: ${target.username} has a new password (${file}); restart its processes`];
}
