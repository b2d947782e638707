import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asRetriableDbError } from '../../consumers/db/asRetriableDbError.js';
import { AUDIT_AND_LOG_TABLES, ROLE_GRANTS } from '../../ops/db/grants.js';
import type { Credentials } from '../../shared/credentials/Credentials.js';
import { freshDatabase } from '../freshDatabase.js';
import { migrateAudit } from '../migrateAudit.js';
import { testDatabaseCredentials } from '../testDatabase.js';

// The stack's own cluster authenticates every role with scram-sha-256, and each service role holds only its grants
// (ops/db/grants.ts). Each refusal here is the server's, on a database migrated as the product migrates it.

function role(name: string): Credentials {
  const c = testDatabaseCredentials(name);
  if (c === undefined) throw new Error(`PARMANA_${name}_DATABASE_CREDENTIALS is not set: the stack's roles are needed`);
  return c;
}

const SERVICES = ['WORKER', 'SINKS', 'LOG_WRITER', 'LOG_MONITOR', 'API'] as const;
type Service = (typeof SERVICES)[number];
const insertsOf = (service: 'SINKS' | 'LOG_WRITER'): readonly string[] =>
  ROLE_GRANTS.find((g) => g.role === role(service).username)?.insert ?? [];
/** Each writer role's tables with the role that writes them. */
const WRITTEN = [
  ...insertsOf('SINKS').map((table) => ['SINKS', table] as const),
  ...insertsOf('LOG_WRITER').map((table) => ['LOG_WRITER', table] as const),
];

let db: Awaited<ReturnType<typeof freshDatabase>>;
let admin: pg.Pool;
const pools = new Map<Service, pg.Pool>();
/** Each table's first column and its append-only triggers. */
const columns = new Map<string, string>();
const triggers = new Map<string, string[]>();

function urlAs(c: { username: string; password: string }): string {
  const u = new URL(db.url);
  u.username = encodeURIComponent(c.username);
  u.password = encodeURIComponent(c.password);
  return u.toString();
}

function as(service: Service): pg.Pool {
  const p = pools.get(service);
  if (p === undefined) throw new Error(`no pool for ${service}`);
  return p;
}

/** The SQLSTATE a statement fails with (undefined when it succeeds). */
async function refusal(pool: pg.Pool, sql: string): Promise<string | undefined> {
  try {
    await pool.query(sql);
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

/** What a login attempt ends with: 'ok' or the SQLSTATE (or message) of the failure. */
async function login(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? (err instanceof Error ? err.message : String(err));
  } finally {
    await client.end().catch(() => undefined);
  }
}

beforeAll(async () => {
  db = await freshDatabase();
  await migrateAudit(db.url);
  admin = new pg.Pool({ connectionString: db.url, max: 2 });
  // The database is dropped WITH (FORCE) at the end: an idle client's FATAL 57P01 then must not be uncaught.
  admin.on('error', () => undefined);
  for (const s of SERVICES) {
    const pool = new pg.Pool({ connectionString: urlAs(role(s)), max: 1 });
    pool.on('error', () => undefined);
    pools.set(s, pool);
  }
  const cols = await admin.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = 'public' AND ordinal_position = 1 AND table_name = ANY($1::text[])`,
    [AUDIT_AND_LOG_TABLES],
  );
  for (const r of cols.rows) columns.set(r.table_name, r.column_name);
  const trg = await admin.query<{ table_name: string; tgname: string }>(
    `SELECT c.relname AS table_name, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
     WHERE NOT t.tgisinternal AND c.relname = ANY($1::text[])`,
    [AUDIT_AND_LOG_TABLES],
  );
  for (const r of trg.rows) triggers.set(r.table_name, [...(triggers.get(r.table_name) ?? []), r.tgname]);
});

afterAll(async () => {
  for (const p of pools.values()) await p.end();
  await admin.end();
  await db.drop();
});

describe('authentication', () => {
  it('the cluster authenticates every connection with scram-sha-256 (no trust, no peer)', async () => {
    const rules = await admin.query<{ auth_method: string }>('SELECT auth_method FROM pg_hba_file_rules');
    expect(rules.rows.length).toBeGreaterThan(0);
    expect(new Set(rules.rows.map((r) => r.auth_method))).toEqual(new Set(['scram-sha-256']));
    const enc = await admin.query<{ rolname: string; scram: boolean }>(
      "SELECT rolname, rolpassword LIKE 'SCRAM-SHA-256$%' AS scram FROM pg_authid WHERE rolname LIKE 'parmana-%'",
    );
    expect(enc.rows.length).toBeGreaterThanOrEqual(SERVICES.length + 2);
    expect(enc.rows.filter((r) => !r.scram)).toEqual([]);
  });

  it('names the refusals: a wrong password is CRD-004, a denied statement CRD-005, neither retriable', async () => {
    const sinks = role('SINKS');
    const client = new pg.Client({
      connectionString: urlAs({ username: sinks.username, password: `${sinks.password}x` }),
    });
    const refusedLogin = await client.connect().then(
      () => undefined,
      (err: unknown) => err,
    );
    await client.end().catch(() => undefined);
    expect(asRetriableDbError(refusedLogin)).toMatchObject({ code: 'CRD-004', retriable: false });
    const denied = await as('API')
      .query('DELETE FROM audit_decisions')
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(asRetriableDbError(denied)).toMatchObject({ code: 'CRD-005', retriable: false });
  });

  it('a role cannot log in with a wrong password, another role’s password or none (28P01)', async () => {
    const sinks = role('SINKS');
    const api = role('API');
    expect(await login(urlAs(sinks))).toBe('ok');
    expect(await login(urlAs({ username: sinks.username, password: `${sinks.password}x` }))).toBe('28P01');
    expect(await login(urlAs({ username: sinks.username, password: api.password }))).toBe('28P01');
    expect(await login(urlAs({ username: role('OWNER').username, password: api.password }))).toBe('28P01');
    expect(await login(urlAs({ username: role('ADMIN').username, password: sinks.password }))).toBe('28P01');
    // No password at all: the server asks for one (SCRAM), so the login fails before any statement.
    const u = new URL(db.url);
    u.username = encodeURIComponent(api.username);
    u.password = '';
    expect(await login(u.toString())).not.toBe('ok');
  });

  it('service roles are plain logins: no superuser, CREATEDB, CREATEROLE, replication or membership', async () => {
    const names = SERVICES.map((s) => role(s).username);
    const r = await admin.query<{ rolname: string; bad: boolean; member_of: number }>(
      `SELECT rolname, (rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls) AS bad,
              (SELECT count(*)::int FROM pg_auth_members m WHERE m.member = a.oid) AS member_of
       FROM pg_roles a WHERE rolname = ANY($1::text[]) ORDER BY rolname`,
      [[...names, role('OWNER').username]],
    );
    expect(r.rows.length).toBe(names.length + 1);
    expect(r.rows.filter((x) => x.bad || x.member_of > 0)).toEqual([]);
  });
});

describe("the API's role reads and never writes", () => {
  it.each(AUDIT_AND_LOG_TABLES.filter((t) => t !== 'replay_ledger'))(
    '%s: SELECT yes; INSERT, UPDATE, DELETE, TRUNCATE 42501',
    async (table) => {
      const api = as('API');
      const col = columns.get(table) ?? '';
      expect(await refusal(api, `SELECT count(*) FROM ${table}`)).toBeUndefined();
      expect(await refusal(api, `INSERT INTO ${table} DEFAULT VALUES`)).toBe('42501');
      expect(await refusal(api, `UPDATE ${table} SET ${col} = ${col}`)).toBe('42501');
      expect(await refusal(api, `DELETE FROM ${table}`)).toBe('42501');
      expect(await refusal(api, `TRUNCATE ${table}`)).toBe('42501');
    },
  );

  it('cannot read the replay ledger or the migrations table', async () => {
    expect(await refusal(as('API'), 'SELECT count(*) FROM replay_ledger')).toBe('42501');
    expect(await refusal(as('API'), 'SELECT count(*) FROM schema_migrations')).toBe('42501');
  });
});

describe("the sinks' and the log writer's roles insert and never change what is there", () => {
  it.each(WRITTEN)(
    '%s on %s: UPDATE, DELETE, TRUNCATE, DROP TRIGGER, DISABLE TRIGGER refused (42501)',
    async (writer, table) => {
      const pool = as(writer);
      const col = columns.get(table) ?? '';
      expect(await refusal(pool, `UPDATE ${table} SET ${col} = ${col}`)).toBe('42501');
      expect(await refusal(pool, `DELETE FROM ${table}`)).toBe('42501');
      expect(await refusal(pool, `TRUNCATE ${table}`)).toBe('42501');
      expect(await refusal(pool, `ALTER TABLE ${table} DISABLE TRIGGER ALL`)).toBe('42501');
      expect(await refusal(pool, `DROP TABLE ${table}`)).toBe('42501');
      const own = triggers.get(table) ?? [];
      if (table !== 'audit_trust_roots') expect(own.length).toBeGreaterThan(0);
      for (const t of own) expect(await refusal(pool, `DROP TRIGGER ${t} ON ${table}`)).toBe('42501');
    },
  );

  it('cannot create tables, functions or triggers in the schema', async () => {
    const sinks = as('SINKS');
    expect(await refusal(sinks, 'CREATE TABLE public.sneaky (x int)')).toBe('42501');
    expect(
      await refusal(
        sinks,
        "CREATE FUNCTION public.sneaky() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END'",
      ),
    ).toBe('42501');
  });
});

describe('no service role may UPDATE, DELETE, TRUNCATE, add triggers or own anything', () => {
  it.each(SERVICES)('%s', async (service) => {
    const name = role(service).username;
    const r = await admin.query<{ table_name: string; privilege: string }>(
      `SELECT t AS table_name, p AS privilege FROM unnest($1::text[]) t, unnest(ARRAY['UPDATE','DELETE','TRUNCATE','TRIGGER','REFERENCES']) p
       WHERE has_table_privilege($2, t, p)`,
      [AUDIT_AND_LOG_TABLES, name],
    );
    expect(r.rows).toEqual([]);
    const owned = await admin.query(
      `SELECT c.relname FROM pg_class c JOIN pg_roles o ON o.oid = c.relowner WHERE o.rolname = $1
       UNION ALL SELECT d.datname FROM pg_database d JOIN pg_roles o ON o.oid = d.datdba WHERE o.rolname = $1`,
      [name],
    );
    expect(owned.rows).toEqual([]);
    const pool = as(service);
    for (const table of AUDIT_AND_LOG_TABLES) {
      expect(await refusal(pool, `TRUNCATE ${table}`)).toBe('42501');
      expect(await refusal(pool, `DELETE FROM ${table}`)).toBe('42501');
    }
  });

  it('each writer may INSERT exactly its own tables', async () => {
    const granted = async (service: Service): Promise<string[]> =>
      (
        await admin.query<{ t: string }>(
          `SELECT t FROM unnest($1::text[]) t WHERE has_table_privilege($2, t, 'INSERT') ORDER BY t`,
          [AUDIT_AND_LOG_TABLES, role(service).username],
        )
      ).rows.map((r) => r.t);
    expect(await granted('WORKER')).toEqual(['replay_ledger']);
    // The log writer verifies each outcome once and writes its log entry and its audit row in one transaction.
    expect(await granted('LOG_WRITER')).toEqual([
      'audit_decisions',
      'audit_overrides',
      'audit_rejections',
      'audit_security_events',
      'audit_trust_roots',
      'log_checkpoints',
      'log_entries',
      'log_nodes',
    ]);
    expect(await granted('LOG_MONITOR')).toEqual(['audit_security_events', 'log_monitor_reports']);
    // The sinks project nothing signed.
    expect(await granted('SINKS')).toEqual([
      'audit_api_calls',
      'audit_requests',
      'audit_security_events',
      'audit_verifications',
    ]);
    expect(await granted('API')).toEqual([]);
  });

  it('the worker writes the replay ledger and nothing else', async () => {
    const worker = as('WORKER');
    expect(
      await refusal(
        worker,
        "INSERT INTO replay_ledger (execution_id, fingerprint, claim) VALUES ('roles-test', '\\x00', 'c') ON CONFLICT DO NOTHING",
      ),
    ).toBeUndefined();
    expect(await refusal(worker, 'SELECT count(*) FROM audit_decisions')).toBe('42501');
    expect(await refusal(worker, "UPDATE replay_ledger SET claim = 'x'")).toBe('42501');
  });
});
