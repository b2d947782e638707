import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgLogStore } from '../../api/log/PgLogStore.js';
import { consistencyProof, inclusionProof } from '../../api/log/logProofs.js';
import { logEntryBytes } from '../../core/log/logEntry.js';
import { leafHash } from '../../core/log/merkleHashes.js';
import { verifyCheckpoint } from '../../core/log/verifyCheckpoint.js';
import { verifyConsistency } from '../../core/log/verifyConsistency.js';
import { verifyInclusion } from '../../core/log/verifyInclusion.js';
import { migrateAudit } from '../../test/migrateAudit.js';
import { freshDatabase } from '../../test/freshDatabase.js';
import { SEED_3, signerFromSeed, trustRoot } from '../../test/fixtures/testTrust.js';
import type { LogAppendInput } from './LogAppendInput.js';
import { PgLogAppender } from './PgLogAppender.js';

const KEY = signerFromSeed(SEED_3);
const ROOT = trustRoot(1, [{ signer: KEY, purposes: ['log-signing'] }]);
const ORIGIN = 'parmana.test/int-log';
const AT = '2026-03-01T00:00:00Z';
const b = (s: string): Buffer => Buffer.from(s, 'base64');

function input(i: number): LogAppendInput {
  const envelope = {
    payloadType: 'application/vnd.parmana.rejection+json;version=1',
    payload: Buffer.from(JSON.stringify({ i })).toString('base64'),
    signatures: [{ keyid: 'k', sig: Buffer.from(`sig-${i}`).toString('base64') }],
  };
  return {
    entry: logEntryBytes(envelope),
    kind: 'rejection',
    executionId: `exec-${i}`,
    source: { topic: 't', partition: i % 3, offset: String(i) },
  };
}

let db: Awaited<ReturnType<typeof freshDatabase>>;
let pool: pg.Pool;

beforeAll(async () => {
  db = await freshDatabase();
  await migrateAudit(db.url);
  pool = new pg.Pool({ connectionString: db.url, max: 3 });
  // The database is dropped WITH (FORCE) at the end: an idle client's FATAL 57P01 then must not be uncaught.
  pool.on('error', () => undefined);
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

describe('PgLogAppender (real Postgres)', () => {
  it('assigns consecutive indices once per entry, serves verifiable proofs, and hands over to a standby', async () => {
    const writer = await PgLogAppender.open({ databaseUrl: db.url });
    const empty = await writer.checkpoint(ORIGIN, KEY);
    expect(empty?.treeSize).toBe(0);
    const all = Array.from({ length: 300 }, (_, i) => input(i));
    expect(await writer.append(all.slice(0, 100))).toEqual({ appended: 100, duplicates: 0, size: 100 });
    const first = await writer.checkpoint(ORIGIN, KEY);
    // A re-delivered batch (and a duplicate inside a batch) never takes a second index.
    expect(await writer.append([...all.slice(50, 150), all[120] as LogAppendInput])).toEqual({
      appended: 50,
      duplicates: 51,
      size: 150,
    });
    expect(await writer.checkpoint(ORIGIN, KEY)).not.toBeNull();
    expect(await writer.checkpoint(ORIGIN, KEY)).toBeNull();

    // A second writer waits on the lock as a standby and takes over where the first stopped.
    let standby = false;
    const second = PgLogAppender.open({
      databaseUrl: db.url,
      onStandby: () => {
        standby = true;
      },
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(standby).toBe(true);
    await writer.close();
    const next = await second;
    expect(next.size).toBe(150);
    expect(await next.append(all.slice(140, 300))).toEqual({ appended: 150, duplicates: 10, size: 300 });
    const last = await next.checkpoint(ORIGIN, KEY);
    await next.close();

    const rows = await pool.query<{ leaf_index: string; execution_id: string }>(
      'SELECT leaf_index, execution_id FROM log_entries ORDER BY leaf_index',
    );
    expect(rows.rows.map((r) => Number(r.leaf_index))).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(new Set(rows.rows.map((r) => r.execution_id)).size).toBe(300);

    const store = new PgLogStore(pool);
    const cp = verifyCheckpoint(last?.note ?? '', ROOT, { origin: ORIGIN, at: AT });
    expect(cp.size).toBe(300);
    for (const index of [0, 1, 99, 100, 149, 150, 255, 299]) {
      const p = await inclusionProof(store, { index });
      expect(p.checkpoint).toBe(last?.note);
      const leaf = leafHash(logEntryBytes(p.envelope));
      expect(verifyInclusion(index, 300, leaf, p.hashes.map(b), cp.rootHash), `index ${index}`).toBe(true);
    }
    const byId = await inclusionProof(store, { executionId: 'exec-77', treeSize: 100 });
    expect(byId.leafIndex).toBe(77);
    expect(verifyInclusion(77, 100, b(byId.leafHash), byId.hashes.map(b), first?.rootHash ?? Buffer.alloc(0))).toBe(
      true,
    );
    const c = await consistencyProof(store, 100, 300);
    const from = verifyCheckpoint(c.fromCheckpoint ?? '', ROOT, { at: AT });
    expect(verifyConsistency(100, 300, from.rootHash, cp.rootHash, c.hashes.map(b))).toBe(true);
  });

  it('refuses UPDATE and DELETE, and a writer refuses a stored tree a superuser rewrote behind the triggers', async () => {
    await expect(pool.query('UPDATE log_nodes SET hash = hash WHERE level = 0 AND node_index = 0')).rejects.toThrow(
      /append-only/,
    );
    await expect(pool.query('DELETE FROM log_entries WHERE leaf_index = 0')).rejects.toThrow(/append-only/);
    const client = await pool.connect();
    try {
      await client.query("SET session_replication_role = 'replica'");
      await client.query("UPDATE log_nodes SET hash = sha256('x'::bytea) WHERE level = 8 AND node_index = 0");
      await client.query("SET session_replication_role = 'origin'");
    } finally {
      client.release();
    }
    await expect(PgLogAppender.open({ databaseUrl: db.url })).rejects.toThrow(/LOG-014/);
  });
});
