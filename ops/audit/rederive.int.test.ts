import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgLogStore } from '../../api/log/PgLogStore.js';
import { PgLogAppender } from '../../consumers/log/PgLogAppender.js';
import { BundlePolicyResolver } from '../../consumers/worker/BundlePolicyResolver.js';
import { attestationEnvelope, buildAttestationBody } from '../../core/attestation/buildAttestationBody.js';
import { canonicalize } from '../../core/canonical/canonicalize.js';
import { logEntryBytes } from '../../core/log/logEntry.js';
import { freshDatabase } from '../../test/freshDatabase.js';
import { SEED_2, signerFromSeed } from '../../test/fixtures/testTrust.js';
import { migrate } from '../db/migrate.js';
import { sampleRequests } from '../demo/sampleRequests.js';
import { loadTrustRoot } from '../trust/trustFiles.js';
import { rederive } from './rederive.js';

// The shipped bundles, signed by `parmana dev init` (which `npm test` runs first).
const resolver = new BundlePolicyResolver('policies', loadTrustRoot('trust'), () => Date.now());
const signer = signerFromSeed(SEED_2);
const TOPIC = 'rederive.requests';

let db: Awaited<ReturnType<typeof freshDatabase>>;
let pool: pg.Pool;
beforeAll(async () => {
  db = await freshDatabase();
  await migrate(db.url, 'ops/migrations');
  pool = new pg.Pool({ connectionString: db.url, max: 3 });
  // The database is dropped WITH (FORCE) at the end: an idle client's FATAL 57P01 then must not be uncaught.
  pool.on('error', () => undefined);
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

describe('audit rederive (real Postgres, shipped bundles)', () => {
  it('re-derives every logged decision byte for byte, and names the one whose stored request was changed', async () => {
    const requests = sampleRequests({ count: 30, prefix: 'rd', replayRatio: 0, invalidRatio: 0, seed: 5 });
    const appender = await PgLogAppender.open({ databaseUrl: db.url });
    const inputs = [];
    for (const [i, r] of requests.entries()) {
      const requestedAt = `2026-02-0${1 + (i % 9)}T10:00:00Z`;
      const signals = canonicalize(r.signals);
      await pool.query(
        `INSERT INTO audit_requests (execution_id, source_topic, source_partition, source_offset, policy_id,
           policy_version, signals, requested_at, requested_by) VALUES ($1, $2, 0, $3, $4, $5, $6, $7, NULL)`,
        [r.executionId, TOPIC, i, r.policyId, r.policyVersion, signals, requestedAt],
      );
      // What the worker does: verified bundle, validated signals, first matching rule, signed body.
      const policy = resolver.resolve(r.policyId, r.policyVersion);
      const v = policy.validate(JSON.parse(signals));
      if (!v.ok) throw new Error('sample request invalid');
      const body = buildAttestationBody({
        executionId: r.executionId,
        policyId: r.policyId,
        policyVersion: r.policyVersion,
        schemaVersion: policy.schemaVersion,
        signals: v.signals,
        decision: policy.evaluate(v.signals),
        bundleHash: policy.bundleHash,
        trustRootVersion: 3,
        releaseManifestHash: 'a'.repeat(64),
        runtimeVersion: 'parmana-stream@test',
        signerKeyId: signer.keyId,
        requestedAt,
        provenance: { topic: TOPIC, partition: 0, offset: String(i) },
      });
      inputs.push({
        entry: logEntryBytes(attestationEnvelope(body, signer)),
        kind: 'attestation' as const,
        executionId: r.executionId,
        source: { topic: 'attestations', partition: 0, offset: String(i) },
      });
    }
    await appender.append(inputs);
    await appender.close();
    const reader = new PgLogStore(pool);
    const run = async (): Promise<{ lines: string[]; summary: Awaited<ReturnType<typeof rederive>> }> => {
      const lines: string[] = [];
      const summary = await rederive({
        reader,
        pool,
        policy: (id, version) => resolver.resolve(id, version),
        from: 0,
        to: 30,
        print: (l) => lines.push(l),
        chunk: 8,
      });
      return { lines, summary };
    };
    const clean = await run();
    expect(clean.lines).toEqual([]);
    expect(clean.summary).toEqual({ checked: 30, matched: 30, mismatched: 0, skipped: 0 });

    // A superuser changes one stored request behind the append-only trigger.
    const target = requests[11];
    const client = await pool.connect();
    try {
      await client.query("SET session_replication_role = 'replica'");
      await client.query(`UPDATE audit_requests SET requested_at = '2026-02-28T10:00:00Z' WHERE execution_id = $1`, [
        target?.executionId,
      ]);
      await client.query("SET session_replication_role = 'origin'");
    } finally {
      client.release();
    }
    const changed = await run();
    expect(changed.summary).toMatchObject({ checked: 30, matched: 29, mismatched: 1 });
    expect(changed.lines).toEqual([`LOG-022 11 ${target?.executionId ?? ''}: differs in requestedAt`]);
    await pool
      .query('DELETE FROM audit_requests WHERE execution_id = $1', [target?.executionId])
      .catch(() => undefined);
  });
});
