import type { Pool } from 'pg';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import type {
  ApiCallFilters,
  ApiCallRow,
  AuditStats,
  DecisionFilters,
  DecisionRow,
  OverrideFilters,
  OverrideRow,
  Page,
  SecurityEventFilters,
  SecurityEventRow,
  SecurityGroup,
  TimeRange,
  VerificationFilters,
  VerificationRow,
} from '../contract.js';
import { textFilter } from './filterValues.js';
import { isConnectionError } from './isConnectionError.js';
import { keysetPage, type KeysetQuery } from './keysetPage.js';
import { pageLimit } from './pageLimit.js';
import type { AuditReader, StoredDecision, StoredRejection } from '../ports.js';
import { SqlWhere } from './SqlWhere.js';
import { storedEnvelope, type StoredSigned } from './storedEnvelope.js';

export interface PgAuditStoreOptions {
  /** How long ping() waits for SELECT 1 (including getting a connection) before reporting the database down. */
  readonly pingTimeoutMs?: number;
}

interface DecisionDb {
  execution_id: string;
  policy_id: string;
  policy_version: string;
  action: string;
  requires_override: boolean;
  execution_state: string;
  rule_id: string;
  execution_fingerprint: string;
  requested_at: Date;
  signer_key_id: string;
  recorded_at: Date;
}

interface OverrideDb {
  execution_id: string;
  policy_id: string;
  policy_version: string;
  action: string;
  requested_at: Date;
  status: 'pending' | 'approved' | 'rejected';
  resolved_by: string | null;
  approver_role: string | null;
  reason: string | null;
  resolved_at: Date | null;
}

interface SecurityEventDb {
  event_id: string;
  event_type: string;
  severity: string;
  execution_id: string | null;
  source: string;
  code: string | null;
  detail: unknown;
  occurred_at: Date;
}

interface VerificationDb {
  verification_id: string;
  execution_id: string | null;
  valid: boolean;
  checks: Record<string, string>;
  reasons: { code: string; message: string }[];
  signer_key_id: string | null;
  source: string;
  requested_by: string | null;
  verified_at: Date;
}

interface ApiCallDb {
  request_id: string;
  method: string;
  route: string;
  status: number;
  key_name: string | null;
  latency_ms: number;
  at: Date;
}

/** count(*) is bigint, which pg returns as a string so it never loses precision; audit counts fit a double. */
interface CountDb {
  key: string;
  n: string;
}

const DECISION_COLUMNS = `d.execution_id, d.policy_id, d.policy_version, d.action, d.requires_override,
  d.execution_state, d.rule_id, d.execution_fingerprint, d.requested_at, d.signer_key_id, d.recorded_at`;

/**
 * Decisions that need a human, each with its resolution. The first approved/rejected result wins: the worker's
 * replay state machine answers every later command with already_resolved, so a second one can only come from lost
 * Redis state and must not rewrite history. Results such as not_found or invalid never resolve anything.
 */
const OVERRIDE_COLUMNS = `d.execution_id, d.policy_id, d.policy_version, d.action, d.requested_at,
  coalesce(r.status, 'pending') AS status, r.approved_by AS resolved_by, r.approver_role, r.reason, r.at AS resolved_at`;
const OVERRIDE_FROM = `audit_decisions d LEFT JOIN LATERAL (
    SELECT o.status, o.approved_by, o.approver_role, o.reason, o.at
    FROM audit_overrides o
    WHERE o.execution_id = d.execution_id AND o.kind = 'result' AND o.status IN ('approved', 'rejected')
    ORDER BY o.at, o.recorded_at, o.command_id
    LIMIT 1
  ) r ON true`;

const SECURITY_EVENT_COLUMNS =
  'e.event_id, e.event_type, e.severity, e.execution_id, e.source, e.code, e.detail, e.occurred_at';
const VERIFICATION_COLUMNS = `v.verification_id, v.execution_id, v.valid, v.checks, v.reasons, v.signer_key_id,
  v.source, v.requested_by, v.verified_at`;
const API_CALL_COLUMNS = 'c.request_id, c.method, c.route, c.status, c.key_name, c.latency_ms, c.at';

const MINUTE_MS = 60_000;
const SERIES_MINUTES = 60;

function iso(d: Date): string {
  return d.toISOString();
}

function isoOrNull(d: Date | null): string | null {
  return d === null ? null : d.toISOString();
}

function toDecision(r: DecisionDb): DecisionRow {
  return {
    executionId: r.execution_id,
    policyId: r.policy_id,
    policyVersion: r.policy_version,
    action: r.action,
    requires_override: r.requires_override,
    execution_state: r.execution_state,
    ruleId: r.rule_id,
    executionFingerprint: r.execution_fingerprint,
    requestedAt: iso(r.requested_at),
    signerKeyId: r.signer_key_id,
    recordedAt: iso(r.recorded_at),
  };
}

function toOverride(r: OverrideDb): OverrideRow {
  return {
    executionId: r.execution_id,
    policyId: r.policy_id,
    policyVersion: r.policy_version,
    action: r.action,
    requestedAt: iso(r.requested_at),
    status: r.status,
    resolvedBy: r.resolved_by,
    approverRole: r.approver_role,
    reason: r.reason,
    resolvedAt: isoOrNull(r.resolved_at),
  };
}

function toSecurityEvent(r: SecurityEventDb): SecurityEventRow {
  return {
    eventId: r.event_id,
    event_type: r.event_type,
    severity: r.severity,
    executionId: r.execution_id,
    source: r.source,
    code: r.code,
    detail: r.detail,
    occurredAt: iso(r.occurred_at),
  };
}

function toVerification(r: VerificationDb): VerificationRow {
  return {
    verificationId: r.verification_id,
    executionId: r.execution_id,
    valid: r.valid,
    checks: r.checks,
    reasons: r.reasons,
    signerKeyId: r.signer_key_id,
    source: r.source,
    requestedBy: r.requested_by,
    verifiedAt: iso(r.verified_at),
  };
}

function toApiCall(r: ApiCallDb): ApiCallRow {
  return {
    requestId: r.request_id,
    method: r.method,
    route: r.route,
    status: r.status,
    keyName: r.key_name,
    latencyMs: r.latency_ms,
    at: iso(r.at),
  };
}

/** fromEntries defines own properties, so a stored key like "__proto__" stays a plain key. */
function countsByKey(rows: readonly CountDb[]): Record<string, number> {
  return Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
}

/** A keyset-paged listing: what keysetPage needs but the filters and the page asked for. */
type Listing<R, T> = Omit<KeysetQuery<R, T>, 'where' | 'limit' | 'cursor'>;

const DECISIONS: Listing<DecisionDb, DecisionRow> = {
  kind: 'decisions',
  select: DECISION_COLUMNS,
  from: 'audit_decisions d',
  map: toDecision,
};
const SECURITY_EVENTS: Listing<SecurityEventDb, SecurityEventRow> = {
  kind: 'securityEvents',
  select: SECURITY_EVENT_COLUMNS,
  from: 'audit_security_events e',
  map: toSecurityEvent,
};
const OVERRIDES: Listing<OverrideDb, OverrideRow> = {
  kind: 'overrides',
  select: OVERRIDE_COLUMNS,
  from: OVERRIDE_FROM,
  map: toOverride,
};
const VERIFICATIONS: Listing<VerificationDb, VerificationRow> = {
  kind: 'verifications',
  select: VERIFICATION_COLUMNS,
  from: 'audit_verifications v',
  map: toVerification,
};
const API_CALLS: Listing<ApiCallDb, ApiCallRow> = {
  kind: 'apiCalls',
  select: API_CALL_COLUMNS,
  from: 'audit_api_calls c',
  map: toApiCall,
};

/**
 * The API's read side of the audit tables. Every value reaches Postgres as a bound parameter; SQL text is built only
 * from the fixed fragments above. An unreachable database is API-009 (retriable); SQL errors are bugs and propagate
 * unchanged.
 */
export class PgAuditStore implements AuditReader {
  private readonly pingTimeoutMs: number;

  constructor(
    private readonly pool: Pool,
    options: PgAuditStoreOptions = {},
  ) {
    this.pingTimeoutMs = options.pingTimeoutMs ?? 2000;
  }

  decisions(f: DecisionFilters): Promise<Page<DecisionRow>> {
    return this.page(DECISIONS, f, (w) =>
      w
        .text('d.policy_id', 'policyId', f.policyId)
        .text('d.policy_version', 'policyVersion', f.policyVersion)
        .text('d.action', 'action', f.action)
        .text('d.execution_state', 'execution_state', f.execution_state)
        .timeRange('d.requested_at', f),
    );
  }

  decision(executionId: string): Promise<StoredDecision | null> {
    return this.guard(async () => {
      const id = textFilter('executionId', executionId);
      const { rows } = await this.pool.query<DecisionDb & StoredSigned>(
        `SELECT ${DECISION_COLUMNS}, d.payload_type, d.payload, d.signature FROM audit_decisions d
         WHERE d.execution_id = $1`,
        [id],
      );
      const row = rows[0];
      if (row === undefined) return null;
      const overrides = row.requires_override
        ? (
            await this.pool.query<OverrideDb>(
              `SELECT ${OVERRIDE_COLUMNS} FROM ${OVERRIDE_FROM} WHERE d.requires_override AND d.execution_id = $1`,
              [id],
            )
          ).rows.map(toOverride)
        : [];
      return { row: toDecision(row), envelope: storedEnvelope(row), overrides };
    });
  }

  rejection(executionId: string): Promise<StoredRejection | null> {
    return this.guard(async () => {
      // Several rejections can share an id (a replay is rejected too); the newest is what the caller last caused.
      // Rows of one sink batch share recorded_at; within it the Kafka offset (one partition per id) gives the order.
      const { rows } = await this.pool.query<StoredSigned & { code: string; message: string; path: string | null }>(
        `SELECT code, message, path, payload_type, payload, signature, signer_key_id FROM audit_rejections
         WHERE execution_id = $1 ORDER BY recorded_at DESC, source_offset DESC, payload_sha256 DESC LIMIT 1`,
        [textFilter('executionId', executionId)],
      );
      const row = rows[0];
      if (row === undefined) return null;
      return { code: row.code, message: row.message, path: row.path, envelope: storedEnvelope(row) };
    });
  }

  securityGroups(r: TimeRange): Promise<SecurityGroup[]> {
    return this.guard(async () => {
      const where = new SqlWhere().timeRange('occurred_at', r);
      const { rows } = await this.pool.query<{
        event_type: string;
        severity: string;
        n: string;
        first_at: Date;
        last_at: Date;
      }>(
        `SELECT event_type, severity, count(*) AS n, min(occurred_at) AS first_at, max(occurred_at) AS last_at
         FROM audit_security_events
         ${where.clause}
         GROUP BY event_type, severity
         ORDER BY last_at DESC, event_type, severity
         LIMIT ${where.params.ref(pageLimit(r.limit))}`,
        where.params.values,
      );
      return rows.map((g) => ({
        event_type: g.event_type,
        severity: g.severity,
        event_count: Number(g.n),
        first_occurrence: iso(g.first_at),
        last_occurrence: iso(g.last_at),
      }));
    });
  }

  securityEvents(f: SecurityEventFilters): Promise<Page<SecurityEventRow>> {
    return this.page(SECURITY_EVENTS, f, (w) =>
      w
        .text('e.event_type', 'event_type', f.event_type)
        .text('e.severity', 'severity', f.severity)
        .timeRange('e.occurred_at', f),
    );
  }

  overrides(f: OverrideFilters): Promise<Page<OverrideRow>> {
    return this.page(OVERRIDES, f, (w) =>
      w.add('d.requires_override').text(`coalesce(r.status, 'pending')`, 'status', f.status),
    );
  }

  verifications(f: VerificationFilters): Promise<Page<VerificationRow>> {
    return this.page(VERIFICATIONS, f, (w) =>
      w.equals('v.valid', f.valid).text('v.execution_id', 'executionId', f.executionId).timeRange('v.verified_at', f),
    );
  }

  apiCalls(f: ApiCallFilters): Promise<Page<ApiCallRow>> {
    return this.page(API_CALLS, f, (w) =>
      w
        .text('c.route', 'route', f.route)
        .equals('c.status', f.status)
        .text('c.key_name', 'keyName', f.keyName)
        .timeRange('c.at', f),
    );
  }

  /**
   * Dashboard counts. The per-minute series are the 60 whole minutes ending with the one that contains `now` (so the
   * last bucket is the current, partial minute), each bucket [minute, minute + 1 min), empty minutes as 0.
   */
  stats(now: Date): Promise<AuditStats> {
    return this.guard(async () => {
      const q = (text: string, values: unknown[] = []) => this.pool.query<CountDb>(text, values);
      const start = new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS - (SERIES_MINUTES - 1) * MINUTE_MS);
      // Buckets are computed from the offset to `start`, not with date_trunc, so the session time zone cannot shift
      // them; the range predicate lets the replay series use the (event_type, occurred_at) index.
      const series = (table: string, column: string, extra: string) =>
        q(
          `WITH hits AS (
             SELECT floor(extract(epoch FROM (${column} - $1::timestamptz)) / 60)::int AS i FROM ${table}
             WHERE ${column} >= $1::timestamptz AND ${column} < $1::timestamptz + $2::int * interval '1 minute'
             ${extra})
           SELECT g.i::text AS key, count(hits.i) AS n
           FROM generate_series(0, $2::int - 1) AS g(i) LEFT JOIN hits ON hits.i = g.i
           GROUP BY g.i ORDER BY g.i`,
          [start, SERIES_MINUTES],
        );
      const [actions, codes, types, overrides, verifications, decisionsPerMinute, replaysPerMinute] = await Promise.all(
        [
          q('SELECT action AS key, count(*) AS n FROM audit_decisions GROUP BY action'),
          q('SELECT code AS key, count(*) AS n FROM audit_rejections GROUP BY code'),
          q('SELECT event_type AS key, count(*) AS n FROM audit_security_events GROUP BY event_type'),
          q(`SELECT coalesce(r.status, 'pending') AS key, count(*) AS n FROM ${OVERRIDE_FROM}
             WHERE d.requires_override GROUP BY 1`),
          q('SELECT valid::text AS key, count(*) AS n FROM audit_verifications GROUP BY valid'),
          // By recorded_at, when the row landed: requested_at is the producer's clock (signed into the attestation,
          // so it can be skewed or arrive late after consumer lag), and a live throughput chart must not have past
          // minutes change as a backlog drains or show rows in minutes that have not happened yet.
          series('audit_decisions', 'recorded_at', ''),
          series('audit_security_events', 'occurred_at', `AND event_type = 'replay_attempt'`),
        ],
      );
      const byAction = countsByKey(actions.rows);
      const byCode = countsByKey(codes.rows);
      const overrideCounts = countsByKey(overrides.rows);
      const verificationCounts = countsByKey(verifications.rows);
      const perMinute = (rows: readonly CountDb[]) =>
        rows.map((r) => ({ minute: iso(new Date(start.getTime() + Number(r.key) * MINUTE_MS)), count: Number(r.n) }));
      const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
      return {
        decisions: { total: total(byAction), byAction },
        rejections: { total: total(byCode), byCode },
        securityEvents: { byType: countsByKey(types.rows) },
        overrides: {
          pending: overrideCounts.pending ?? 0,
          approved: overrideCounts.approved ?? 0,
          rejected: overrideCounts.rejected ?? 0,
        },
        verifications: { valid: verificationCounts.true ?? 0, invalid: verificationCounts.false ?? 0 },
        decisionsPerMinute: perMinute(decisionsPerMinute.rows),
        replayAttemptsPerMinute: perMinute(replaysPerMinute.rows),
      };
    });
  }

  /** SELECT 1 within pingTimeoutMs (a connect to a black-holed host would otherwise hang); false on any error. */
  async ping(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => {
        resolve(false);
      }, this.pingTimeoutMs);
    });
    const query = this.pool.query('SELECT 1').then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([query, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** One keyset page of `listing`, filtered by the conditions `filter` adds. */
  private page<R extends object, T>(
    listing: Listing<R, T>,
    f: { readonly limit?: number; readonly cursor?: string },
    filter: (where: SqlWhere) => SqlWhere,
  ): Promise<Page<T>> {
    return this.guard(() =>
      keysetPage(this.pool, { ...listing, where: filter(new SqlWhere()), limit: f.limit, cursor: f.cursor }),
    );
  }

  /** Maps an unreachable database to API-009; coded errors (a bad cursor or filter) and SQL bugs pass unchanged. */
  private async guard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof ParmanaError || !isConnectionError(err)) throw err;
      throw new ParmanaError('API-009', { cause: err });
    }
  }
}
