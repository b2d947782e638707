import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { testDatabaseCredentials, testDatabaseServer, testDatabaseUrl } from './testDatabase.js';

/**
 * A new, empty database on the test server, owned by the owner role (which `provision` and migrateAudit migrate
 * as); `url` logs in as the admin (a superuser), `drop` removes it (forcing out leftover connections).
 */
export async function freshDatabase(baseUrl = testDatabaseServer()): Promise<{
  url: string;
  name: string;
  drop: () => Promise<void>;
}> {
  const name = `parmana_test_${randomBytes(6).toString('hex')}`;
  const admin = new URL(testDatabaseUrl(baseUrl));
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  const owner = testDatabaseCredentials('OWNER')?.username;
  await client.query(`CREATE DATABASE ${name}${owner === undefined ? '' : ` OWNER ${client.escapeIdentifier(owner)}`}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: admin.toString() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
