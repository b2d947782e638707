import { cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageAndInsert } from '../../consumers/sinks/stageAndInsert.js';
import { freshDatabase } from '../../test/freshDatabase.js';
import { migrate } from './migrate.js';

let db: Awaited<ReturnType<typeof freshDatabase>>;
let pool: pg.Pool;

beforeAll(async () => {
  db = await freshDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  // The database is dropped WITH (FORCE) at the end: an idle client's FATAL 57P01 then must not be uncaught.
  pool.on('error', () => undefined);
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

describe('migrations (real Postgres)', () => {
  it('concurrent starters apply each migration exactly once', async () => {
    const results = await Promise.all([1, 2, 3].map(() => migrate(db.url, 'ops/migrations')));
    const files = readdirSync('ops/migrations').sort();
    expect(results.flat().sort()).toEqual(files);
    const rows = await pool.query('SELECT name FROM schema_migrations ORDER BY version');
    expect(rows.rows.map((r: { name: string }) => r.name)).toEqual(files);
    expect(await migrate(db.url, 'ops/migrations')).toEqual([]);
  });

  it('refuses a migration file changed after it was applied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mig-'));
    cpSync('ops/migrations', dir, { recursive: true });
    writeFileSync(join(dir, '001_audit_tables.sql'), '-- edited\n', { flag: 'a' });
    await expect(migrate(db.url, dir)).rejects.toThrow(/001_audit_tables.sql changed after it was applied/);
  });

  it('audit tables are append-only: UPDATE, DELETE and TRUNCATE are refused', async () => {
    await pool.query(
      `INSERT INTO audit_security_events (event_id, event_type, severity, source, detail, occurred_at)
       VALUES ('e-append', 'replay_attempt', 'high', 'test', '{}', now())`,
    );
    await expect(
      pool.query(`UPDATE audit_security_events SET severity = 'low' WHERE event_id = 'e-append'`),
    ).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(pool.query(`DELETE FROM audit_security_events WHERE event_id = 'e-append'`)).rejects.toThrow(
      /append-only: DELETE refused/,
    );
    await expect(pool.query('TRUNCATE audit_security_events')).rejects.toThrow(/append-only: TRUNCATE refused/);
    const left = await pool.query(`SELECT severity FROM audit_security_events WHERE event_id = 'e-append'`);
    expect(left.rows).toEqual([{ severity: 'high' }]);
  });

  it('COPY staging round-trips hostile text, json and bytes, and a redelivered batch adds nothing', async () => {
    const hostile = `quote " comma , tab \t newline \n backslash \\ CR \r <script>alert(1)</script> ünïcödé 🚀 \\N`;
    const columns = ['event_id', 'event_type', 'severity', 'execution_id', 'source', 'code', 'detail', 'occurred_at'];
    const rows = [
      [
        'e-1',
        'signature_failure',
        'critical',
        hostile,
        'test',
        null,
        JSON.stringify({ text: hostile }),
        '2026-01-01T00:00:00Z',
      ],
      ['e-2', 'replay_attempt', 'high', null, 'test', 'INV-013', '{}', '2026-01-01T00:00:01Z'],
    ];
    const write = async (): Promise<number> => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const n = await stageAndInsert(client, 'audit_security_events', columns, rows);
        await client.query('COMMIT');
        return n;
      } finally {
        client.release();
      }
    };
    expect(await write()).toBe(2);
    expect(await write()).toBe(0);
    const back = await pool.query(
      `SELECT execution_id, code, detail->>'text' AS text FROM audit_security_events WHERE event_id IN ('e-1','e-2') ORDER BY event_id`,
    );
    expect(back.rows).toEqual([
      { execution_id: hostile, code: null, text: hostile },
      { execution_id: null, code: 'INV-013', text: null },
    ]);
  });

  it('keys rejections by their signed bytes, not by Kafka offsets (a re-created cluster reuses offsets)', async () => {
    const columns = [
      'source_topic',
      'source_partition',
      'source_offset',
      'execution_id',
      'policy_id',
      'policy_version',
      'code',
      'message',
      'path',
      'requested_at',
      'payload_type',
      'payload',
      'signature',
      'signer_key_id',
    ];
    const row = (id: string) => [
      'parmana.rejections',
      0,
      5,
      id,
      'p',
      '1.0.0',
      'VAL-004',
      'm',
      null,
      '2026-01-01T00:00:00Z',
      't',
      Buffer.from(`{"executionId":"${id}"}`),
      's',
      'k',
    ];
    const write = async (rows: unknown[][]): Promise<number> => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const n = await stageAndInsert(client, 'audit_rejections', columns, rows as never);
        await client.query('COMMIT');
        return n;
      } finally {
        client.release();
      }
    };
    expect(await write([row('old-cluster')])).toBe(1);
    expect(await write([row('new-cluster')])).toBe(1);
    expect(await write([row('new-cluster')])).toBe(0);
  });
});
