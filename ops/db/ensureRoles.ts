import type pg from 'pg';
import type { Credentials } from '../../shared/credentials/Credentials.js';

/**
 * Creates each role that is missing and sets every role's password to its credentials file (run as a superuser;
 * `stack up` does, every time, so a password changed in its file reaches the server on the next `up`). Service
 * roles are plain LOGIN roles: no superuser, no CREATEDB, no CREATEROLE, no membership in another role.
 */
export async function ensureRoles(client: pg.ClientBase, roles: readonly Credentials[]): Promise<string[]> {
  const created: string[] = [];
  for (const { username, password } of roles) {
    const role = client.escapeIdentifier(username);
    const found = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [username]);
    // Utility statements take no parameters: the password goes in as an escaped literal (never logged: the
    // cluster's log_statement is 'none').
    const options = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${client.escapeLiteral(password)}`;
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE ROLE ${role} ${options}`);
        created.push(username);
        continue;
      } catch (err) {
        if ((err as { code?: string }).code !== '42710') throw err; // duplicate_object: created meanwhile
      }
    }
    await client.query(`ALTER ROLE ${role} ${options}`);
  }
  return created;
}
