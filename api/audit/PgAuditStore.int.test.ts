import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import { migrateAudit } from '../../test/migrateAudit.js';
import { freshDatabase } from '../../test/freshDatabase.js';
import type { Page } from '../contract.js';
import { encodeCursor } from './cursor.js';
import { PgAuditStore } from './PgAuditStore.js';

// One fixed data set, inserted once: the tables are append-only, so every test reads it and every expected number
// below is counted by hand from it.

let db: Awaited<ReturnType<typeof freshDatabase>>;
let pool: pg.Pool;
let store: PgAuditStore;

/** 2026-03-01 at hh:mm:ss[.ffffff] UTC. */
const at = (time: string): string => `2026-03-01T${time}Z`;
const ms = (time: string): string => new Date(at(time)).toISOString();
/** Outside every stats window below. */
const OLD = at('08:00:00');

interface DecisionSeed {
  id: string;
  policyId: string;
  policyVersion?: string;
  action?: string;
  requiresOverride?: boolean;
  state?: string;
  requestedAt: string;
  recordedAt?: string;
}

const payloadOf = (id: string): Buffer => Buffer.from(JSON.stringify({ executionId: id, pad: '\u0000\u00ff' }));

async function insertDecision(client: pg.PoolClient, d: DecisionSeed): Promise<void> {
  await client.query(
    `INSERT INTO audit_decisions (execution_id, policy_id, policy_version, action, requires_override, execution_state,
       rule_id, execution_fingerprint, requested_at, payload_type, payload, signature, signer_key_id, bundle_hash,
       trust_root_version, source_topic, source_partition, source_offset, recorded_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'rule-1', $7, $8, 'application/vnd.parmana.attestation+json;version=1', $9, $10,
       'key-1', 'bundle', 1, 'parmana.attestations', 0, 0, $11)`,
    [
      d.id,
      d.policyId,
      d.policyVersion ?? '1.0.0',
      d.action ?? 'approve',
      d.requiresOverride ?? false,
      d.state ?? 'completed',
      `fp-${d.id}`,
      d.requestedAt,
      payloadOf(d.id),
      `sig-${d.id}`,
      d.recordedAt ?? OLD,
    ],
  );
}

async function insertOverride(
  client: pg.PoolClient,
  o: { commandId: string; executionId: string; kind: 'command' | 'result'; status: string | null; at: string },
): Promise<void> {
  await client.query(
    `INSERT INTO audit_overrides (source_topic, source_partition, source_offset, kind, command_id, execution_id, status,
       code, approved, approved_by, approver_role, reason, at)
     VALUES ('parmana.overrides', 0, 0, $1, $2, $3, $4, NULL, $5, $6, 'approver', $7, $8)`,
    [
      o.kind,
      o.commandId,
      o.executionId,
      o.status,
      o.status === 'approved',
      `by-${o.commandId}`,
      `reason-${o.commandId}`,
      o.at,
    ],
  );
}

async function insertEvent(
  client: pg.PoolClient,
  id: string,
  type: string,
  severity: string,
  occurredAt: string,
): Promise<void> {
  await client.query(
    `INSERT INTO audit_security_events (event_id, event_type, severity, execution_id, source, code, detail, occurred_at)
     VALUES ($1, $2, $3, $4, 'worker', $5, $6, $7)`,
    [
      id,
      type,
      severity,
      type === 'replay_attempt' ? `exec-of-${id}` : null,
      type === 'replay_attempt' ? 'INV-013' : null,
      JSON.stringify({ n: id, nested: { ok: true } }),
      occurredAt,
    ],
  );
}

async function insertRejection(
  client: pg.PoolClient,
  r: { executionId: string; code: string; path: string | null; recordedAt: string; n: number },
): Promise<void> {
  await client.query(
    `INSERT INTO audit_rejections (source_topic, source_partition, source_offset, execution_id, policy_id,
       policy_version, code, message, path, requested_at, payload_type, payload, signature, signer_key_id, recorded_at)
     VALUES ('parmana.rejections', 0, $1, $2, 'loan', '1.0.0', $3, $4, $5, '2026-03-01T12:00:00Z',
       'application/vnd.parmana.rejection+json;version=1', $6, $7, 'key-1', $8)`,
    [
      r.n,
      r.executionId,
      r.code,
      `message ${r.n}`,
      r.path,
      Buffer.from(`rejection ${r.n}`),
      `rsig-${r.n}`,
      r.recordedAt,
    ],
  );
}

/**
 * Pagination set: 237 decisions, four per second; the first of each four is 700 µs later and has the lowest id, so a
 * cursor that lost the microseconds would skip its three siblings. Page boundaries land on such rows with limits 7, 5
 * and 1 (with 10 they never do), hence several limits.
 */
const PAGED = 237;
const pagedId = (i: number): string => `loan-${String(i).padStart(4, '0')}`;
function pagedTime(i: number): string {
  const base = Date.parse(at('11:00:00')) - Math.floor(i / 4) * 1000;
  const iso = new Date(base).toISOString().slice(0, 19);
  return `${iso}.${i % 4 === 0 ? '000700' : '000000'}Z`;
}

beforeAll(async () => {
  db = await freshDatabase();
  await migrateAudit(db.url);
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  // The database is dropped WITH (FORCE) at the end: an idle client's FATAL 57P01 then must not be uncaught.
  pool.on('error', () => undefined);
  store = new PgAuditStore(pool);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (let i = 0; i < PAGED; i++) {
      await insertDecision(client, {
        id: pagedId(i),
        policyId: 'loan',
        action: i % 3 === 0 ? 'deny' : 'approve',
        requestedAt: pagedTime(i),
      });
    }
    // Filter set; recorded_at places some of them in the stats window (12:01 .. 13:00 for now = 13:00:30).
    const filt: DecisionSeed[] = [
      { id: 'f1', policyId: 'filt', requestedAt: at('10:00:00'), recordedAt: at('12:01:00') },
      { id: 'f2', policyId: 'filt', action: 'deny', requestedAt: at('10:01:00'), recordedAt: at('12:01:59.999999') },
      {
        id: 'f3',
        policyId: 'filt',
        policyVersion: '2.0.0',
        requiresOverride: true,
        state: 'pending_override',
        requestedAt: at('10:02:00'),
        recordedAt: at('12:30:15'),
      },
      {
        id: 'f4',
        policyId: 'filt',
        policyVersion: '2.0.0',
        action: 'review',
        requiresOverride: true,
        state: 'pending_override',
        requestedAt: at('10:03:00'),
        recordedAt: at('13:00:29'),
      },
      {
        id: 'f5',
        policyId: 'filt',
        policyVersion: '2.0.0',
        requestedAt: at('10:04:00'),
        recordedAt: at('13:00:45'),
      },
      {
        id: 'o5',
        policyId: 'ovr',
        action: 'review',
        requiresOverride: true,
        state: 'pending_override',
        requestedAt: at('10:05:00'),
        recordedAt: at('12:00:59.999999'),
      },
      {
        id: 'o6',
        policyId: 'ovr',
        action: 'review',
        requiresOverride: true,
        state: 'pending_override',
        requestedAt: at('10:06:00'),
        recordedAt: at('13:01:00'),
      },
      { id: 'h1', policyId: `it's "quoted" ünïcödé 🚀 \\`, requestedAt: at('09:00:00') },
    ];
    for (const d of filt) await insertDecision(client, d);

    // f3: approved, then (lost Redis state) a second, rejected result that must not rewrite history.
    await insertOverride(client, {
      commandId: 'c1',
      executionId: 'f3',
      kind: 'command',
      status: null,
      at: at('11:00'),
    });
    await insertOverride(client, {
      commandId: 'c1',
      executionId: 'f3',
      kind: 'result',
      status: 'approved',
      at: at('11:01'),
    });
    await insertOverride(client, {
      commandId: 'c2',
      executionId: 'f3',
      kind: 'result',
      status: 'rejected',
      at: at('11:02'),
    });
    await insertOverride(client, {
      commandId: 'c3',
      executionId: 'f3',
      kind: 'result',
      status: 'already_resolved',
      at: at('11:03'),
    });
    // f4: a command and a refusal only: still pending.
    await insertOverride(client, {
      commandId: 'c4',
      executionId: 'f4',
      kind: 'command',
      status: null,
      at: at('11:04'),
    });
    await insertOverride(client, {
      commandId: 'c4',
      executionId: 'f4',
      kind: 'result',
      status: 'invalid',
      at: at('11:05'),
    });
    await insertOverride(client, {
      commandId: 'c5',
      executionId: 'o5',
      kind: 'result',
      status: 'rejected',
      at: at('11:06'),
    });
    // A result for an execution that never needed an override changes nothing.
    await insertOverride(client, {
      commandId: 'c6',
      executionId: 'f1',
      kind: 'result',
      status: 'not_found',
      at: at('11:07'),
    });

    await insertEvent(client, 'r1', 'replay_attempt', 'high', at('12:05:10'));
    await insertEvent(client, 'r2', 'replay_attempt', 'high', at('12:05:20'));
    await insertEvent(client, 'r3', 'replay_attempt', 'high', at('12:05:50'));
    await insertEvent(client, 'r4', 'replay_attempt', 'high', at('12:59:59.999'));
    await insertEvent(client, 'r5', 'replay_attempt', 'high', at('12:00:59'));
    await insertEvent(client, 's1', 'signature_failure', 'critical', at('12:05:00'));
    await insertEvent(client, 's2', 'signature_failure', 'critical', at('12:40:00'));
    await insertEvent(client, 'm1', 'replay_attempt', 'medium', at('12:10:00'));
    await insertEvent(client, 'u1', 'unauthorized_access', 'low', at('11:00:00'));

    await insertRejection(client, {
      executionId: 'x1',
      code: 'VAL-004',
      path: '$.signals.amount',
      recordedAt: at('11:00'),
      n: 1,
    });
    await insertRejection(client, { executionId: 'x1', code: 'INV-013', path: null, recordedAt: at('12:00'), n: 2 });
    await insertRejection(client, {
      executionId: 'x2',
      code: 'VAL-004',
      path: '$.signals.term',
      recordedAt: at('12:00'),
      n: 3,
    });

    const verification = `INSERT INTO audit_verifications (verification_id, execution_id, valid, checks, reasons, signer_key_id,
        source, requested_by, verified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;
    const ok = JSON.stringify({ signature: 'pass', trust: 'pass' });
    await client.query(verification, ['v1', 'f1', true, ok, '[]', 'key-1', 'api', 'auditor-a', at('12:10:00')]);
    await client.query(verification, [
      'v2',
      'f1',
      false,
      JSON.stringify({ signature: 'fail', trust: 'skipped' }),
      JSON.stringify([{ code: 'ATT-005', message: 'bad signature' }]),
      'key-1',
      'read-time',
      null,
      at('12:20:00'),
    ]);
    await client.query(verification, ['v3', null, true, ok, '[]', null, 'api', null, at('12:30:00')]);
    await client.query(verification, ['v4', null, true, ok, '[]', null, 'api', null, at('12:30:00')]);

    const call = `INSERT INTO audit_api_calls (request_id, method, route, status, key_name, latency_ms, at)
      VALUES ($1, $2, $3, $4, $5, $6, $7)`;
    await client.query(call, ['q1', 'GET', '/audit/decisions', 200, 'ops', 12.5, at('12:00:00')]);
    await client.query(call, ['q2', 'POST', '/execute', 422, 'svc', 40.25, at('12:01:00')]);
    await client.query(call, ['q3', 'POST', '/execute', 200, null, 3, at('12:02:00')]);
    await client.query(call, ['q4', 'GET', '/health', 200, null, 0.5, at('12:03:00')]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

/** Follows nextCursor to the end; fails on a runaway loop. */
async function allPages<T>(fetch: (cursor: string | undefined) => Promise<Page<T>>): Promise<{ pages: T[][] }> {
  const pages: T[][] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await fetch(cursor);
    pages.push([...page.items]);
    if (page.nextCursor === null) return { pages };
    if (pages.length > 1000) throw new Error('pagination does not terminate');
    cursor = page.nextCursor;
  }
}

const ids = (items: readonly { executionId: string }[]): string[] => items.map((r) => r.executionId);

describe('decisions', () => {
  it.each([10, 7, 5, 1, 1000])(
    'limit %i walks all 237 rows exactly once in (requested_at, execution_id) DESC order',
    async (limit) => {
      const expected = (
        await pool.query<{ execution_id: string }>(
          `SELECT execution_id FROM audit_decisions WHERE policy_id = 'loan'
           ORDER BY requested_at DESC, execution_id DESC`,
        )
      ).rows.map((r) => r.execution_id);
      expect(expected).toHaveLength(PAGED);
      const { pages } = await allPages((cursor) => store.decisions({ policyId: 'loan', limit, cursor }));
      expect(pages).toHaveLength(Math.ceil(PAGED / limit));
      for (const page of pages.slice(0, -1)) expect(page).toHaveLength(limit);
      expect(pages.flat().map((r) => r.executionId)).toEqual(expected);
    },
  );

  it('keeps filters across pages', async () => {
    const { pages } = await allPages((cursor) =>
      store.decisions({ policyId: 'loan', action: 'deny', limit: 10, cursor }),
    );
    const rows = pages.flat();
    expect(rows).toHaveLength(79);
    expect(new Set(ids(rows)).size).toBe(79);
    expect(rows.every((r) => r.action === 'deny')).toBe(true);
  });

  it('maps a row to the contract, timestamps as ISO strings', async () => {
    const page = await store.decisions({ policyId: 'filt', policyVersion: '2.0.0', action: 'review' });
    expect(page).toEqual({
      items: [
        {
          executionId: 'f4',
          policyId: 'filt',
          policyVersion: '2.0.0',
          action: 'review',
          requires_override: true,
          execution_state: 'pending_override',
          ruleId: 'rule-1',
          executionFingerprint: 'fp-f4',
          requestedAt: ms('10:03:00'),
          signerKeyId: 'key-1',
          recordedAt: ms('13:00:29'),
        },
      ],
      nextCursor: null,
    });
  });

  it('filters by policy, version, action, state and a [from, to) range', async () => {
    expect(ids((await store.decisions({ policyId: 'filt' })).items)).toEqual(['f5', 'f4', 'f3', 'f2', 'f1']);
    expect(ids((await store.decisions({ policyId: 'filt', policyVersion: '2.0.0' })).items)).toEqual([
      'f5',
      'f4',
      'f3',
    ]);
    expect(ids((await store.decisions({ policyId: 'filt', action: 'approve' })).items)).toEqual(['f5', 'f3', 'f1']);
    expect(ids((await store.decisions({ execution_state: 'pending_override' })).items)).toEqual([
      'o6',
      'o5',
      'f4',
      'f3',
    ]);
    expect(ids((await store.decisions({ from: at('10:01:00'), to: at('10:03:00') })).items)).toEqual(['f3', 'f2']);
    expect(ids((await store.decisions({ policyId: 'filt', from: at('10:03:00') })).items)).toEqual(['f5', 'f4']);
    expect(ids((await store.decisions({ policyId: 'filt', to: at('10:01:00') })).items)).toEqual(['f1']);
    // Offsets other than Z and RFC 3339's space/lower-case forms mean the same instants.
    expect(
      ids((await store.decisions({ from: '2026-03-01T11:04:00+01:00', to: '2026-03-01 10:06:00.000001z' })).items),
    ).toEqual(['o6', 'o5', 'f5']);
  });

  it('defaults to 50 rows and clamps the limit to 1000', async () => {
    expect((await store.decisions({})).items).toHaveLength(50);
    const all = await store.decisions({ limit: 5000 });
    expect(all.items).toHaveLength(PAGED + 8);
    expect(all.nextCursor).toBeNull();
    expect((await store.decisions({ limit: 0 })).items).toHaveLength(1);
  });

  it('refuses garbage, tampered, wrong-shape and foreign cursors with API-011 at $.cursor', async () => {
    const first = await store.decisions({ policyId: 'loan', limit: 3 });
    const good = first.nextCursor ?? '';
    expect(good).not.toBe('');
    const decoded = JSON.parse(Buffer.from(good, 'base64url').toString('utf8')) as [string, string, string];
    const bad = [
      'garbage',
      '!!!',
      `${good}=`,
      good.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
      good.slice(0, -2),
      Buffer.from(JSON.stringify({ at: decoded[1], id: decoded[2] })).toString('base64url'),
      Buffer.from(JSON.stringify(['decisions', 'yesterday', decoded[2]])).toString('base64url'),
      Buffer.from(JSON.stringify(['decisions', decoded[1], { id: 1 }])).toString('base64url'),
      encodeCursor('apiCalls', { at: decoded[1], id: decoded[2] }),
    ];
    for (const cursor of bad) {
      await expect(store.decisions({ policyId: 'loan', limit: 3, cursor })).rejects.toMatchObject({
        code: 'API-011',
        path: '$.cursor',
      });
    }
    // The untouched cursor still works.
    expect((await store.decisions({ policyId: 'loan', limit: 3, cursor: good })).items).toHaveLength(3);
  });

  it('treats hostile filter strings as plain values: they match only themselves and no table is harmed', async () => {
    const hostile = [
      `'; DROP TABLE audit_decisions; --`,
      `' OR '1'='1`,
      `" OR 1=1 --`,
      `\\'; SELECT pg_sleep(10); --`,
      '$1',
      '%',
      'ünïcödé 🚀 \u202e',
      'loan\n',
    ];
    for (const value of hostile) {
      expect((await store.decisions({ policyId: value })).items).toEqual([]);
      expect((await store.decisions({ policyVersion: value, action: value, execution_state: value })).items).toEqual(
        [],
      );
      expect((await store.securityEvents({ event_type: value, severity: value })).items).toEqual([]);
      expect((await store.verifications({ executionId: value })).items).toEqual([]);
      expect((await store.apiCalls({ route: value, keyName: value })).items).toEqual([]);
      expect(await store.decision(value)).toBeNull();
      expect(await store.rejection(value)).toBeNull();
    }
    expect(ids((await store.decisions({ policyId: `it's "quoted" ünïcödé 🚀 \\` })).items)).toEqual(['h1']);
    await expect(store.decisions({ policyId: 'a\u0000b' })).rejects.toMatchObject({
      code: 'API-011',
      path: '$.policyId',
    });
    await expect(store.decisions({ from: `${at('10:00:00')}'; DROP TABLE audit_decisions; --` })).rejects.toMatchObject(
      {
        code: 'API-011',
        path: '$.from',
      },
    );
    const left = await pool.query<{ n: string }>('SELECT count(*) AS n FROM audit_decisions');
    expect(Number(left.rows[0]?.n)).toBe(PAGED + 8);
  });
});

describe('decision and rejection by execution id', () => {
  it('returns the row, the stored envelope verbatim and the override resolution', async () => {
    const found = await store.decision('f3');
    expect(found?.row.executionId).toBe('f3');
    expect(found?.envelope).toEqual({
      payloadType: 'application/vnd.parmana.attestation+json;version=1',
      payload: payloadOf('f3').toString('base64'),
      signatures: [{ keyid: 'key-1', sig: 'sig-f3' }],
    });
    expect(found?.overrides).toEqual([
      {
        executionId: 'f3',
        policyId: 'filt',
        policyVersion: '2.0.0',
        action: 'approve',
        requestedAt: ms('10:02:00'),
        status: 'approved',
        resolvedBy: 'by-c1',
        approverRole: 'approver',
        reason: 'reason-c1',
        resolvedAt: ms('11:01:00'),
      },
    ]);
    expect((await store.decision('f1'))?.overrides).toEqual([]);
    expect(await store.decision('missing')).toBeNull();
  });

  it('returns the newest rejection for an id with its envelope', async () => {
    expect(await store.rejection('x1')).toEqual({
      code: 'INV-013',
      message: 'message 2',
      path: null,
      envelope: {
        payloadType: 'application/vnd.parmana.rejection+json;version=1',
        payload: Buffer.from('rejection 2').toString('base64'),
        signatures: [{ keyid: 'key-1', sig: 'rsig-2' }],
      },
    });
    expect((await store.rejection('x2'))?.path).toBe('$.signals.term');
    expect(await store.rejection('f1')).toBeNull();
  });
});

describe('security', () => {
  it('groups by type and severity with counts, first and last occurrence, newest group first', async () => {
    expect(await store.securityGroups({})).toEqual([
      {
        event_type: 'replay_attempt',
        severity: 'high',
        event_count: 5,
        first_occurrence: ms('12:00:59'),
        last_occurrence: ms('12:59:59.999'),
      },
      {
        event_type: 'signature_failure',
        severity: 'critical',
        event_count: 2,
        first_occurrence: ms('12:05:00'),
        last_occurrence: ms('12:40:00'),
      },
      {
        event_type: 'replay_attempt',
        severity: 'medium',
        event_count: 1,
        first_occurrence: ms('12:10:00'),
        last_occurrence: ms('12:10:00'),
      },
      {
        event_type: 'unauthorized_access',
        severity: 'low',
        event_count: 1,
        first_occurrence: ms('11:00:00'),
        last_occurrence: ms('11:00:00'),
      },
    ]);
  });

  it('groups only events in [from, to) and caps the number of groups', async () => {
    const groups = await store.securityGroups({ from: at('12:05:00'), to: at('12:40:00') });
    expect(groups.map((g) => [g.event_type, g.severity, g.event_count, g.first_occurrence, g.last_occurrence])).toEqual(
      [
        ['replay_attempt', 'medium', 1, ms('12:10:00'), ms('12:10:00')],
        ['replay_attempt', 'high', 3, ms('12:05:10'), ms('12:05:50')],
        ['signature_failure', 'critical', 1, ms('12:05:00'), ms('12:05:00')],
      ],
    );
    const capped = await store.securityGroups({ limit: 2 });
    expect(capped.map((g) => `${g.event_type}/${g.severity}`)).toEqual([
      'replay_attempt/high',
      'signature_failure/critical',
    ]);
    expect(await store.securityGroups({ from: at('14:00:00') })).toEqual([]);
  });

  it('lists events with filters and pages through them', async () => {
    const events = (f: Parameters<PgAuditStore['securityEvents']>[0]) =>
      store.securityEvents(f).then((p) => p.items.map((e) => e.eventId));
    expect(await events({})).toEqual(['r4', 's2', 'm1', 'r3', 'r2', 'r1', 's1', 'r5', 'u1']);
    expect(await events({ event_type: 'replay_attempt' })).toEqual(['r4', 'm1', 'r3', 'r2', 'r1', 'r5']);
    expect(await events({ severity: 'critical' })).toEqual(['s2', 's1']);
    expect(
      await events({ event_type: 'replay_attempt', severity: 'high', from: at('12:05:10'), to: at('12:05:50') }),
    ).toEqual(['r2', 'r1']);
    const { pages } = await allPages((cursor) => store.securityEvents({ limit: 2, cursor }));
    expect(pages.flat().map((e) => e.eventId)).toEqual(['r4', 's2', 'm1', 'r3', 'r2', 'r1', 's1', 'r5', 'u1']);
    const page = await store.securityEvents({ event_type: 'replay_attempt', limit: 1 });
    expect(page.items).toEqual([
      {
        eventId: 'r4',
        event_type: 'replay_attempt',
        severity: 'high',
        executionId: 'exec-of-r4',
        source: 'worker',
        code: 'INV-013',
        detail: { n: 'r4', nested: { ok: true } },
        occurredAt: ms('12:59:59.999'),
      },
    ]);
    expect((await store.securityEvents({ event_type: 'unauthorized_access' })).items[0]).toMatchObject({
      executionId: null,
      code: null,
    });
    // A decisions cursor is not a security-events cursor.
    await expect(
      store.securityEvents({ cursor: encodeCursor('decisions', { at: '2026-03-01T12:00:00.000000Z', id: 'r1' }) }),
    ).rejects.toMatchObject({ code: 'API-011' });
  });
});

describe('overrides', () => {
  it('one row per decision needing a human: pending until an approved/rejected result, the first one winning', async () => {
    const page = await store.overrides({});
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((o) => [o.executionId, o.status, o.resolvedBy, o.resolvedAt])).toEqual([
      ['o6', 'pending', null, null],
      ['o5', 'rejected', 'by-c5', ms('11:06:00')],
      ['f4', 'pending', null, null],
      ['f3', 'approved', 'by-c1', ms('11:01:00')],
    ]);
    expect(page.items[0]).toEqual({
      executionId: 'o6',
      policyId: 'ovr',
      policyVersion: '1.0.0',
      action: 'review',
      requestedAt: ms('10:06:00'),
      status: 'pending',
      resolvedBy: null,
      approverRole: null,
      reason: null,
      resolvedAt: null,
    });
  });

  it('filters by status and pages', async () => {
    expect(ids((await store.overrides({ status: 'pending' })).items)).toEqual(['o6', 'f4']);
    expect(ids((await store.overrides({ status: 'approved' })).items)).toEqual(['f3']);
    expect(ids((await store.overrides({ status: 'rejected' })).items)).toEqual(['o5']);
    const { pages } = await allPages((cursor) => store.overrides({ limit: 1, cursor }));
    expect(pages.map(ids)).toEqual([['o6'], ['o5'], ['f4'], ['f3']]);
    const pending = await allPages((cursor) => store.overrides({ status: 'pending', limit: 1, cursor }));
    expect(pending.pages.map(ids)).toEqual([['o6'], ['f4']]);
  });
});

describe('verifications and API calls', () => {
  it('lists verifications with filters, ties on verified_at broken by id', async () => {
    const list = (f: Parameters<PgAuditStore['verifications']>[0]) =>
      store.verifications(f).then((p) => p.items.map((v) => v.verificationId));
    expect(await list({})).toEqual(['v4', 'v3', 'v2', 'v1']);
    expect(await list({ valid: false })).toEqual(['v2']);
    expect(await list({ valid: true, from: at('12:10:00'), to: at('12:30:00') })).toEqual(['v1']);
    expect(await list({ executionId: 'f1' })).toEqual(['v2', 'v1']);
    const { pages } = await allPages((cursor) => store.verifications({ limit: 1, cursor }));
    expect(pages.flat().map((v) => v.verificationId)).toEqual(['v4', 'v3', 'v2', 'v1']);
    expect((await store.verifications({ valid: false })).items[0]).toEqual({
      verificationId: 'v2',
      executionId: 'f1',
      valid: false,
      checks: { signature: 'fail', trust: 'skipped' },
      reasons: [{ code: 'ATT-005', message: 'bad signature' }],
      signerKeyId: 'key-1',
      source: 'read-time',
      requestedBy: null,
      verifiedAt: ms('12:20:00'),
    });
  });

  it('lists API calls with filters and pages', async () => {
    const list = (f: Parameters<PgAuditStore['apiCalls']>[0]) =>
      store.apiCalls(f).then((p) => p.items.map((c) => c.requestId));
    expect(await list({})).toEqual(['q4', 'q3', 'q2', 'q1']);
    expect(await list({ route: '/execute' })).toEqual(['q3', 'q2']);
    expect(await list({ status: 200 })).toEqual(['q4', 'q3', 'q1']);
    expect(await list({ keyName: 'svc' })).toEqual(['q2']);
    expect(await list({ from: at('12:01:00'), to: at('12:03:00') })).toEqual(['q3', 'q2']);
    const { pages } = await allPages((cursor) => store.apiCalls({ limit: 3, cursor }));
    expect(pages.map((p) => p.map((c) => c.requestId))).toEqual([['q4', 'q3', 'q2'], ['q1']]);
    expect((await store.apiCalls({ keyName: 'svc' })).items[0]).toEqual({
      requestId: 'q2',
      method: 'POST',
      route: '/execute',
      status: 422,
      keyName: 'svc',
      latencyMs: 40.25,
      at: ms('12:01:00'),
    });
  });
});

describe('stats', () => {
  it('counts everything exactly, with 60 per-minute buckets ending at the minute of now', async () => {
    const stats = await store.stats(new Date(at('13:00:30')));
    const minutes = Array.from({ length: 60 }, (_, i) =>
      new Date(Date.parse(at('12:01:00')) + i * 60_000).toISOString(),
    );
    const series = (counts: Record<number, number>) => minutes.map((minute, i) => ({ minute, count: counts[i] ?? 0 }));
    expect(stats).toEqual({
      // loan: 79 deny + 158 approve; filt/ovr/h1: deny f2, review f4 o5 o6, approve f1 f3 f5 h1.
      decisions: { total: PAGED + 8, byAction: { approve: 158 + 4, deny: 79 + 1, review: 3 } },
      rejections: { total: 3, byCode: { 'VAL-004': 2, 'INV-013': 1 } },
      securityEvents: { byType: { replay_attempt: 6, signature_failure: 2, unauthorized_access: 1 } },
      overrides: { pending: 2, approved: 1, rejected: 1 },
      verifications: { valid: 3, invalid: 1 },
      // recorded_at: f1 12:01:00 and f2 12:01:59.999999 (bucket 0), f3 12:30:15 (29), f4 13:00:29 and f5 13:00:45
      // (59, the current minute); o5 12:00:59.999999 and o6 13:01:00 fall outside.
      decisionsPerMinute: series({ 0: 2, 29: 1, 59: 2 }),
      // replay_attempt by occurred_at: r1-r3 12:05 (4), m1 12:10 (9), r4 12:59:59.999 (58); r5 12:00:59 is outside.
      replayAttemptsPerMinute: series({ 4: 3, 9: 1, 58: 1 }),
    });
  });

  it('gives 60 zero buckets for a quiet hour', async () => {
    const stats = await store.stats(new Date('2030-01-01T00:00:00Z'));
    expect(stats.decisionsPerMinute).toHaveLength(60);
    expect(stats.decisionsPerMinute[0]?.minute).toBe('2029-12-31T23:01:00.000Z');
    expect(stats.decisionsPerMinute[59]?.minute).toBe('2030-01-01T00:00:00.000Z');
    expect(stats.decisionsPerMinute.every((p) => p.count === 0)).toBe(true);
    expect(stats.replayAttemptsPerMinute.every((p) => p.count === 0)).toBe(true);
  });
});

describe('availability', () => {
  it('ping is true against the database', async () => {
    expect(await store.ping()).toBe(true);
  });

  it('a closed port: ping is false and every query is API-009, while a bad cursor is still API-011', async () => {
    const dead = new pg.Pool({
      host: '127.0.0.1',
      port: 1,
      user: 'postgres',
      database: 'x',
      connectionTimeoutMillis: 2000,
    });
    const down = new PgAuditStore(dead);
    try {
      expect(await down.ping()).toBe(false);
      const calls: (() => Promise<unknown>)[] = [
        () => down.decisions({}),
        () => down.decision('f1'),
        () => down.rejection('x1'),
        () => down.securityGroups({}),
        () => down.securityEvents({}),
        () => down.overrides({}),
        () => down.verifications({}),
        () => down.apiCalls({}),
        () => down.stats(new Date()),
      ];
      for (const call of calls) {
        const err = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(ParmanaError);
        expect(err).toMatchObject({ code: 'API-009', retriable: true });
        expect((err as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
      }
      await expect(down.decisions({ cursor: 'garbage' })).rejects.toMatchObject({ code: 'API-011' });
    } finally {
      await dead.end();
    }
  });

  it('a server that never answers: ping gives up after its timeout, queries fail as API-009', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((s) => {
      sockets.add(s);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const hung = new pg.Pool({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      database: 'x',
      connectionTimeoutMillis: 300,
    });
    const down = new PgAuditStore(hung, { pingTimeoutMs: 200 });
    try {
      const started = Date.now();
      expect(await down.ping()).toBe(false);
      expect(Date.now() - started).toBeLessThan(1000);
      await expect(down.decisions({})).rejects.toMatchObject({ code: 'API-009' });
    } finally {
      for (const s of sockets) s.destroy();
      await hung.end();
      await new Promise<void>((resolve) => {
        silent.close(() => {
          resolve();
        });
      });
    }
  });

  it('SQL errors are bugs, not outages: they pass through unchanged', async () => {
    // A search_path without the audit tables makes every query fail with 42P01 on a healthy connection.
    const wrong = new pg.Pool({ connectionString: db.url, max: 1, options: '-c search_path=pg_catalog' });
    try {
      const err = await new PgAuditStore(wrong).decisions({}).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).not.toBeInstanceOf(ParmanaError);
      expect(err).toMatchObject({ code: '42P01' });
    } finally {
      await wrong.end();
    }
  });
});
