import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isParmanaError } from '../../core/errors/ParmanaError.js';
import { migrateAudit } from '../../test/migrateAudit.js';
import { freshDatabase } from '../../test/freshDatabase.js';
import { PgReplayLedger } from './PgReplayLedger.js';

const FP1 = 'a'.repeat(64);
const FP2 = 'b'.repeat(64);

let db: Awaited<ReturnType<typeof freshDatabase>>;
let pool: pg.Pool;
let ledger: PgReplayLedger;
let n = 0;
const id = (): string => `ledger-${process.pid}-${++n}`;

beforeAll(async () => {
  db = await freshDatabase();
  // Migrations up to 006 first, then a decision made "before the ledger", then 007: it must be seeded.
  await migrateAudit(db.url, { before: '007' });
  const seed = new pg.Client({ connectionString: db.url });
  await seed.connect();
  await seed.query(
    `INSERT INTO audit_decisions (execution_id, policy_id, policy_version, action, requires_override, execution_state,
       rule_id, execution_fingerprint, requested_at, payload_type, payload, signature, signer_key_id, bundle_hash,
       trust_root_version, source_topic, source_partition, source_offset)
     VALUES ('before-ledger', 'p', '1.0.0', 'approve', false, 'completed', 'r', $1, now(), 't', '\\x00', 's', 'k',
       'h', 1, 'parmana.requests', 3, 41)`,
    [FP1],
  );
  await seed.end();
  await migrateAudit(db.url);
  pool = new pg.Pool({ connectionString: db.url, max: 3 });
  // The database is dropped WITH (FORCE) at the end: an idle client's FATAL 57P01 then must not be uncaught.
  pool.on('error', () => undefined);
  ledger = new PgReplayLedger(pool);
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

describe('PgReplayLedger (real Postgres)', () => {
  it('claims new ids in one batch; the same record claims again; another record finds them taken', async () => {
    const a = id();
    const b = id();
    expect(
      await ledger.claim([
        { executionId: a, fingerprint: FP1, claim: 'req:0:1@100' },
        { executionId: b, fingerprint: FP2, claim: 'req:0:2@100' },
      ]),
    ).toEqual([{ result: 'claimed' }, { result: 'claimed' }]);
    // A crash before the Kafka commit re-runs the same record: its own claim.
    expect(await ledger.claim([{ executionId: a, fingerprint: FP1, claim: 'req:0:1@100' }])).toEqual([
      { result: 'claimed' },
    ]);
    // Same coordinates, another timestamp (a re-created cluster reusing offsets) is another record.
    expect(await ledger.claim([{ executionId: a, fingerprint: FP1, claim: 'req:0:1@999' }])).toEqual([
      { result: 'taken', fingerprint: FP1, claim: 'req:0:1@100' },
    ]);
    expect(await ledger.claim([{ executionId: b, fingerprint: FP1, claim: 'req:5:7@300' }])).toEqual([
      { result: 'taken', fingerprint: FP2, claim: 'req:0:2@100' },
    ]);
  });

  it('answers a mixed batch item by item, in order; a second record of one id in a batch is taken by the first', async () => {
    const fresh = id();
    const own = id();
    await ledger.claim([{ executionId: own, fingerprint: FP1, claim: 'req:1:1@1' }]);
    const verdicts = await ledger.claim([
      { executionId: own, fingerprint: FP1, claim: 'req:1:1@1' },
      { executionId: 'before-ledger', fingerprint: FP1, claim: 'req:3:900@5' },
      { executionId: fresh, fingerprint: FP2, claim: 'req:1:2@1' },
      { executionId: fresh, fingerprint: FP2, claim: 'req:1:2@1' },
      { executionId: fresh, fingerprint: FP1, claim: 'req:1:3@1' },
    ]);
    expect(verdicts).toEqual([
      { result: 'claimed' },
      { result: 'taken', fingerprint: FP1, claim: 'audit:parmana.requests:3:41' },
      { result: 'claimed' },
      { result: 'claimed' },
      { result: 'taken', fingerprint: FP2, claim: 'req:1:2@1' },
    ]);
  });

  it('makes a concurrent claim of the same id wait for the first, then finds it taken', async () => {
    const e = id();
    const other = await pool.connect();
    try {
      await other.query('BEGIN');
      await other.query(
        "INSERT INTO replay_ledger (execution_id, fingerprint, claim) VALUES ($1, decode($2, 'hex'), 'req:2:1@1')",
        [e, FP1],
      );
      const racing = ledger.claim([{ executionId: e, fingerprint: FP2, claim: 'req:2:9@2' }]);
      // Wait until the claim is blocked on the uncommitted row, then commit it.
      for (let i = 0; i < 200; i++) {
        const { rows } = await pool.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
        );
        if ((rows[0]?.n ?? 0) > 0) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      let waited = false;
      void racing.then(() => {
        waited = true;
      });
      await new Promise((r) => setTimeout(r, 100));
      // Still blocked on the uncommitted row: no answer before the other transaction ends.
      expect(waited).toBe(false);
      await other.query('COMMIT');
      expect(await racing).toEqual([{ result: 'taken', fingerprint: FP1, claim: 'req:2:1@1' }]);
    } finally {
      other.release();
    }
  });

  it('is append-only: UPDATE, DELETE and TRUNCATE are refused', async () => {
    const e = id();
    await ledger.claim([{ executionId: e, fingerprint: FP1, claim: 'req:4:4@4' }]);
    await expect(pool.query("UPDATE replay_ledger SET claim = 'x' WHERE execution_id = $1", [e])).rejects.toThrow(
      /append-only/,
    );
    await expect(pool.query('DELETE FROM replay_ledger WHERE execution_id = $1', [e])).rejects.toThrow(/append-only/);
    await expect(pool.query('TRUNCATE replay_ledger')).rejects.toThrow(/append-only/);
  });

  it('fails closed with the retriable INV-023 when Postgres is unreachable', async () => {
    const dead = new pg.Pool({
      connectionString: 'postgres://postgres@127.0.0.1:1/none',
      connectionTimeoutMillis: 2_000,
    });
    dead.on('error', () => undefined);
    try {
      const offline = new PgReplayLedger(dead);
      let caught: unknown;
      try {
        await offline.claim([{ executionId: id(), fingerprint: FP1, claim: 'req:0:0@0' }]);
      } catch (err) {
        caught = err;
      }
      expect(isParmanaError(caught) && caught.code).toBe('INV-023');
      expect(isParmanaError(caught) && caught.retriable).toBe(true);
    } finally {
      await dead.end();
    }
  });
});
