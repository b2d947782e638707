import type pg from 'pg';

/**
 * What each service role may do in the audit database: INSERT (and the SELECT that ON CONFLICT and the writers'
 * own reads need) on exactly its tables, SELECT only for the API. Nothing else: no UPDATE, DELETE, TRUNCATE,
 * REFERENCES or TRIGGER, and the tables belong to the owner role, which no service logs in as. The append-only
 * triggers stay as the second line. docs/operations.md ("Database roles") has this table in prose.
 */
export interface RoleGrants {
  readonly role: string;
  readonly insert: readonly string[];
  readonly select: readonly string[];
  /** CREATE TEMP TABLE (the sinks' and the log writer's staging tables). */
  readonly temporary?: boolean;
}

/** What the sinks project: nothing signed. */
const SINK_TABLES = ['audit_security_events', 'audit_verifications', 'audit_api_calls', 'audit_requests'] as const;
/** The signed outcomes' audit rows, written by the log writer in its append transaction once they verified. */
const OUTCOME_TABLES = ['audit_decisions', 'audit_rejections', 'audit_overrides', 'audit_trust_roots'] as const;
const LOG_TABLES = ['log_entries', 'log_nodes', 'log_checkpoints'] as const;
/** The log writer's: the log, the outcomes' rows, and security events (a conflicting outcome is raised in SQL). */
const LOG_WRITER_TABLES = [...LOG_TABLES, ...OUTCOME_TABLES, 'audit_security_events'] as const;

/** Every table the migrations create that holds audit or log data (schema_migrations is the owner's alone). */
export const AUDIT_AND_LOG_TABLES: readonly string[] = [
  ...OUTCOME_TABLES,
  ...SINK_TABLES,
  ...LOG_TABLES,
  'log_monitor_reports',
  'replay_ledger',
];

export const ROLE_GRANTS: readonly RoleGrants[] = [
  { role: 'parmana-worker', insert: ['replay_ledger'], select: ['replay_ledger'] },
  { role: 'parmana-sinks', insert: SINK_TABLES, select: SINK_TABLES, temporary: true },
  { role: 'parmana-log-writer', insert: LOG_WRITER_TABLES, select: LOG_WRITER_TABLES, temporary: true },
  {
    role: 'parmana-log-monitor',
    insert: ['log_monitor_reports', 'audit_security_events'],
    select: [...LOG_TABLES, 'log_monitor_reports', 'audit_security_events'],
  },
  { role: 'parmana-api', insert: [], select: AUDIT_AND_LOG_TABLES.filter((t) => t !== 'replay_ledger') },
];

/**
 * Applies ROLE_GRANTS to the current database, after the migrations and in their session: first every privilege of
 * PUBLIC and of these roles is revoked (so a grant removed from the table is removed from the server), then exactly
 * the listed ones are granted. Roles the server does not have are skipped and returned (the stack creates them;
 * elsewhere the operator does, see docs/operations.md). Idempotent.
 */
export async function applyGrants(client: pg.ClientBase): Promise<{ granted: string[]; missing: string[] }> {
  const existing = new Set(
    (
      await client.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname = ANY($1::text[])', [
        ROLE_GRANTS.map((g) => g.role),
      ])
    ).rows.map((r) => r.rolname),
  );
  const id = (name: string): string => client.escapeIdentifier(name);
  const database = id((await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]?.db ?? '');
  // A database migrated only up to a given file (tests do) lacks the later tables.
  const tables = new Set(
    (
      await client.query<{ tablename: string }>(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename = ANY($1::text[])",
        [['schema_migrations', ...AUDIT_AND_LOG_TABLES]],
      )
    ).rows.map((r) => r.tablename),
  );
  const present = (names: readonly string[]): string =>
    names
      .filter((t) => tables.has(t))
      .map(id)
      .join(', ');
  const all = present([...tables]);
  const granted: string[] = [];
  await client.query('BEGIN');
  try {
    await client.query(`REVOKE ALL ON DATABASE ${database} FROM PUBLIC`);
    await client.query('REVOKE ALL ON SCHEMA public FROM PUBLIC');
    if (all !== '') await client.query(`REVOKE ALL ON ${all} FROM PUBLIC`);
    for (const g of ROLE_GRANTS) {
      if (!existing.has(g.role)) continue;
      const role = id(g.role);
      if (all !== '') await client.query(`REVOKE ALL ON ${all} FROM ${role}`);
      await client.query(`REVOKE ALL ON DATABASE ${database} FROM ${role}`);
      await client.query(
        `GRANT CONNECT${g.temporary === true ? ', TEMPORARY' : ''} ON DATABASE ${database} TO ${role}`,
      );
      await client.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
      const insert = present(g.insert);
      const select = present(g.select);
      if (insert !== '') await client.query(`GRANT INSERT ON ${insert} TO ${role}`);
      if (select !== '') await client.query(`GRANT SELECT ON ${select} TO ${role}`);
      granted.push(g.role);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
  return { granted, missing: ROLE_GRANTS.map((g) => g.role).filter((r) => !existing.has(r)) };
}
