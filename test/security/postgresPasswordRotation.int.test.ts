import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asRetriableDbError } from '../../consumers/db/asRetriableDbError.js';
import { loadConfig } from '../../ops/config/config.js';
import { writeCredentialsFile } from '../../ops/credentials/credentialsFile.js';
import { credentialsDir } from '../../ops/credentials/ensureCredentials.js';
import { withCredentials } from '../../ops/runtime/databaseConnection.js';
import { rotatePostgresPassword } from '../../ops/stack/rotatePostgresPassword.js';
import type { StackContext } from '../../ops/stack/StackPart.js';
import { readCredentials } from '../../shared/credentials/Credentials.js';

// `stack postgres-password` on the stack's real Postgres cluster. It rotates a role of this file's own (in a
// credentials folder of its own), so the services' roles, which other tests use at the same time, keep their passwords.

const config = loadConfig(process.env, 'stack');
const role = `parmana-rotation-${randomBytes(4).toString('hex')}`;
const OLD = randomBytes(16).toString('hex');
let root: string;
let admin: pg.Client;

/** The stack context of this file's own credentials folder (the rotation reads and writes only that). */
const stackContext = (): StackContext => ({
  config,
  root,
  stackDir: join(root, 'stack'),
  cacheDir: join(root, 'cache'),
  print: () => undefined,
});

/** What logging in ends with: 'ok', or the coded refusal. */
async function login(password: string): Promise<string> {
  // The maintenance database: the audit database grants CONNECT to the service roles only.
  const url = new URL(withCredentials(config.databaseUrl, { username: role, password }));
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return 'ok';
  } catch (err) {
    const named = asRetriableDbError(err);
    return (named as { code?: string }).code ?? String(named);
  } finally {
    await client.end().catch(() => undefined);
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pg-rotation-'));
  const dir = credentialsDir(root);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  copyFileSync(join(credentialsDir(process.cwd()), 'postgres-admin.json'), join(dir, 'postgres-admin.json'));
  admin = new pg.Client({
    connectionString: withCredentials(config.databaseUrl, readCredentials(join(dir, 'postgres-admin.json'))),
  });
  await admin.connect();
  await admin.query(`CREATE ROLE ${admin.escapeIdentifier(role)} LOGIN PASSWORD ${admin.escapeLiteral(OLD)}`);
  // The role stands in for the API's: its file names it.
  writeCredentialsFile(join(dir, 'postgres-api.json'), { username: role, password: OLD });
});

afterAll(async () => {
  await admin.query(`DROP ROLE IF EXISTS ${admin.escapeIdentifier(role)}`);
  await admin.end();
  rmSync(root, { recursive: true, force: true });
});

describe('stack postgres-password', () => {
  it('gives a role a new password on the server and in its 0600 file: the old one is refused (CRD-004)', async () => {
    expect(await login(OLD)).toBe('ok');
    const lines = await rotatePostgresPassword(stackContext(), 'api');
    const file = join(credentialsDir(root), 'postgres-api.json');
    const fresh = readCredentials(file);
    expect(fresh.username).toBe(role);
    expect(fresh.password).not.toBe(OLD);
    expect(fresh.password.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The output names the file, never the password.
    expect(lines.join('\n')).toContain(`${role} has a new password`);
    expect(lines.join('\n')).not.toContain(fresh.password);
    expect(await login(OLD)).toBe('CRD-004');
    expect(await login(fresh.password)).toBe('ok');
  });

  it('refuses a role it has no credentials for, and changes nothing', async () => {
    await expect(rotatePostgresPassword(stackContext(), 'nobody')).rejects.toThrow(/no Postgres role "nobody"/);
  });
});
