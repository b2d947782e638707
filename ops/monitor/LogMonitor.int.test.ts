import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgLogStore } from '../../api/log/PgLogStore.js';
import { PgLogAppender } from '../../consumers/log/PgLogAppender.js';
import type { LogAppendInput } from '../../consumers/log/LogAppendInput.js';
import { logEntryBytes } from '../../core/log/logEntry.js';
import { signCheckpoint } from '../../core/log/signCheckpoint.js';
import { freshDatabase } from '../../test/freshDatabase.js';
import { SEED_2, SEED_3, signerFromSeed, trustRoot } from '../../test/fixtures/testTrust.js';
import { migrate } from '../db/migrate.js';
import { LogMonitor } from './LogMonitor.js';
import { MonitorStateFile } from './MonitorState.js';
import { pgMonitorReports } from './PgMonitorReports.js';

const KEY = signerFromSeed(SEED_3);
const STRANGER = signerFromSeed(SEED_2);
const ORIGIN = 'parmana.test/monitored';

function input(i: number): LogAppendInput {
  return {
    entry: logEntryBytes({
      payloadType: 'application/vnd.parmana.attestation+json;version=1',
      payload: Buffer.from(JSON.stringify({ decision: i })).toString('base64'),
      signatures: [{ keyid: 'k', sig: 'c2ln' }],
    }),
    kind: 'attestation',
    executionId: `m-${i}`,
    source: { topic: 't', partition: 0, offset: String(i) },
  };
}

let db: Awaited<ReturnType<typeof freshDatabase>>;
let pool: pg.Pool;
beforeAll(async () => {
  db = await freshDatabase();
  await migrate(db.url, 'ops/migrations');
  pool = new pg.Pool({ connectionString: db.url, max: 3 });
  // Idle clients are terminated when the database is dropped at the end; that is not a test failure.
  pool.on('error', () => undefined);
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

async function asSuperuser(sql: string): Promise<void> {
  const client = await pool.connect();
  try {
    // Bypasses the append-only triggers, as only a superuser can.
    await client.query("SET session_replication_role = 'replica'");
    await client.query(sql);
    await client.query("SET session_replication_role = 'origin'");
  } finally {
    client.release();
  }
}

describe('log monitor (real Postgres)', () => {
  it('accepts consistent checkpoints and raises log_inconsistency for a forged checkpoint and an altered past entry', async () => {
    const writer = await PgLogAppender.open({ databaseUrl: db.url });
    const monitor = new LogMonitor({
      reader: new PgLogStore(pool),
      trustRoot: () => trustRoot(1, [{ signer: KEY, purposes: ['log-signing'] }]),
      origin: ORIGIN,
      state: new MonitorStateFile(join(mkdtempSync(join(tmpdir(), 'monitor-')), 'state.json')),
      report: pgMonitorReports(pool, 'test-monitor', () => new Date()),
      now: () => new Date(),
      chunk: 7,
    });
    await writer.append(Array.from({ length: 20 }, (_, i) => input(i)));
    const first = await writer.checkpoint(ORIGIN, KEY);
    expect((await monitor.onCheckpoint(first?.note ?? '')).status).toBe('ok');
    await writer.append(Array.from({ length: 45 }, (_, i) => input(20 + i)));
    const second = await writer.checkpoint(ORIGIN, KEY);
    expect(await monitor.onCheckpoint(second?.note ?? '')).toMatchObject({ status: 'ok', treeSize: 65 });
    // An older checkpoint seen again (a reader from the earliest record) is checked, not trusted blindly.
    expect((await monitor.onCheckpoint(first?.note ?? '')).status).toBe('ok');
    expect((await monitor.sweep())?.status).toBe('ok');

    const forged = signCheckpoint({ origin: ORIGIN, size: 70, rootHash: Buffer.alloc(32, 1) }, STRANGER);
    expect(await monitor.onCheckpoint(forged)).toMatchObject({ status: 'inconsistent', code: 'LOG-003' });
    // A checkpoint signed by the right key over a root that is not a continuation of the verified one.
    const fork = signCheckpoint({ origin: ORIGIN, size: 65, rootHash: Buffer.alloc(32, 2) }, KEY);
    expect((await monitor.onCheckpoint(fork)).status).toBe('inconsistent');

    // A superuser rewrites a past entry behind the triggers: the sweep re-hashes the entries and sees it.
    await asSuperuser(
      `UPDATE log_entries SET entry = convert_to(replace(convert_from(entry, 'UTF8'), 'c2ln', 'Zm9y'), 'UTF8') WHERE leaf_index = 5`,
    );
    expect(await monitor.sweep()).toMatchObject({ status: 'inconsistent', code: 'LOG-031' });
    // ... and so does the next checkpoint, since the monitor recomputes new roots from the stored bytes.
    await writer.append([input(100)]);
    const third = await writer.checkpoint(ORIGIN, KEY);
    expect(await monitor.onCheckpoint(third?.note ?? '')).toMatchObject({ status: 'inconsistent', code: 'LOG-031' });
    await writer.close();

    const events = await pool.query<{ severity: string; code: string }>(
      "SELECT severity, code FROM audit_security_events WHERE event_type = 'log_inconsistency' ORDER BY occurred_at",
    );
    expect(events.rows.map((r) => r.code)).toEqual(['LOG-003', 'LOG-030', 'LOG-031', 'LOG-031']);
    expect(new Set(events.rows.map((r) => r.severity))).toEqual(new Set(['critical']));
    const reports = await new PgLogStore(pool).monitorReports(50);
    expect(reports.filter((r) => r.status === 'ok')).toHaveLength(4);
  });
});
