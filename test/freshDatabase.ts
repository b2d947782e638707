import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A new, empty database on the test server; `drop` removes it (forcing out leftover connections). */
export async function freshDatabase(
  baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/parmana',
): Promise<{
  url: string;
  name: string;
  drop: () => Promise<void>;
}> {
  const name = `parmana_test_${randomBytes(6).toString('hex')}`;
  const admin = new URL(baseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(baseUrl);
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
