import type { SubtreeRef } from '../core/log/SubtreeRef.js';
import type {
  ApiCallFilters,
  ApiCallRow,
  AuditStats,
  DecisionFilters,
  DecisionRow,
  EnvelopeJson,
  HealthResponse,
  LogEntryKind,
  LogMonitorReport,
  OverrideFilters,
  OverrideRequest,
  OverrideRow,
  Page,
  SecurityEventFilters,
  SecurityEventRow,
  SecurityGroup,
  TimeRange,
  VerificationFilters,
  VerificationRow,
} from './contract.js';

// The server's edges, as small interfaces: the real ones talk to Kafka and Postgres, route tests pass fakes.

/** What the worker decided for one request, as read from the outcome topics. */
export type Outcome =
  | {
      readonly kind: 'decision';
      readonly executionId: string;
      readonly action: string;
      readonly executionState: 'completed' | 'pending_override';
      readonly requiresOverride: boolean;
      readonly ruleId: string;
      readonly envelope: EnvelopeJson;
    }
  | {
      readonly kind: 'rejection';
      readonly executionId: string;
      readonly code: string;
      readonly message: string;
      readonly path: string | null;
      readonly envelope: EnvelopeJson;
    };

export interface ValidatedExecuteRequest {
  readonly executionId: string;
  readonly policyId: string;
  readonly policyVersion: string;
  /** Canonical JSON of the signals, as carried on the requests topic. */
  readonly signalsJson: string;
  readonly requestedBy: string | null;
}

/** Produces a request and waits for its own outcome (correlated by a per-call traceparent, not by executionId). */
export interface ExecutionGateway {
  execute(request: ValidatedExecuteRequest, timeoutMs: number, traceparent?: string): Promise<Outcome | 'timeout'>;
  /** The outcome this instance saw recently for an executionId (a decision wins over a later replay rejection). */
  recent(executionId: string): Outcome | undefined;
}

/** POST /override's body, as the route checked it. */
export type OverrideCommandInput = OverrideRequest;

export type OverrideOutcome =
  | {
      readonly status: 'approved' | 'rejected';
      readonly executionId: string;
      readonly approvedBy: string;
      readonly decidedAt: string;
      readonly envelope: EnvelopeJson;
    }
  | { readonly status: 'not_found' | 'already_resolved' | 'invalid'; readonly code: string; readonly message: string };

export interface OverrideGateway {
  override(command: OverrideCommandInput, timeoutMs: number): Promise<OverrideOutcome | 'timeout'>;
}

export interface SecurityEventInput {
  readonly eventType: 'unauthorized_access' | 'rate_limit_exceeded' | 'signature_failure';
  readonly severity: 'low' | 'medium' | 'high' | 'critical';
  readonly executionId: string | null;
  readonly code: string | null;
  readonly detail: Readonly<Record<string, unknown>>;
  /** Unique per source (the request id): makes the event id deterministic. */
  readonly sourceId: string;
}

/** A verification to record: its audit row but the time, stamped when the record is produced. */
export type VerificationRecordInput = Omit<VerificationRow, 'verifiedAt'>;

/** An API call to record: its audit row but the time, stamped when the record is produced. */
export type ApiCallInput = Omit<ApiCallRow, 'at'>;

/**
 * Records produced by the API itself. `verification` is awaited (the caller is told it was recorded); security
 * events and API calls are buffered and never hold a response up, nor wait on Postgres.
 */
export interface ApiEvents {
  verification(record: VerificationRecordInput): Promise<void>;
  securityEvent(event: SecurityEventInput): void;
  apiCall(call: ApiCallInput): void;
}

/** A stored decision: its row, the signed attestation and, when it needs a human, its resolution. */
export interface StoredDecision {
  readonly row: DecisionRow;
  readonly envelope: EnvelopeJson;
  readonly overrides: OverrideRow[];
}

/** The newest stored rejection of an executionId, with the signed rejection. */
export interface StoredRejection {
  readonly code: string;
  readonly message: string;
  readonly path: string | null;
  readonly envelope: EnvelopeJson;
}

/** The read side of the audit tables (api/audit/PgAuditStore.ts). Throws API-009 when Postgres is unreachable. */
export interface AuditReader {
  decisions(f: DecisionFilters): Promise<Page<DecisionRow>>;
  decision(executionId: string): Promise<StoredDecision | null>;
  rejection(executionId: string): Promise<StoredRejection | null>;
  securityGroups(r: TimeRange): Promise<SecurityGroup[]>;
  securityEvents(f: SecurityEventFilters): Promise<Page<SecurityEventRow>>;
  overrides(f: OverrideFilters): Promise<Page<OverrideRow>>;
  verifications(f: VerificationFilters): Promise<Page<VerificationRow>>;
  apiCalls(f: ApiCallFilters): Promise<Page<ApiCallRow>>;
  stats(now: Date): Promise<AuditStats>;
  ping(): Promise<boolean>;
}

export interface HealthProbe {
  health(): Promise<HealthResponse>;
  /** Ready to take traffic: Kafka reachable and the outcome listener assigned. */
  ready(): Promise<{ ready: boolean; reasons: readonly string[] }>;
}

/** One stored log entry (api/log/PgLogStore.ts). */
export interface StoredLogEntry {
  readonly leafIndex: number;
  readonly kind: LogEntryKind;
  readonly executionId: string;
  readonly leafHash: Buffer;
  readonly entry: Buffer;
  readonly appendedAt: string;
}

/** One stored signed checkpoint. */
export interface StoredCheckpoint {
  readonly treeSize: number;
  readonly rootHash: Buffer;
  readonly note: string;
  readonly signerKeyId: string;
  readonly signedAt: string;
}

/**
 * The read side of the transparency log: rows and stored subtree hashes only; proofs are planned and folded by
 * core/log (api/log/logProofs.ts), so every reader serves the same bytes. Throws API-009 when Postgres is down.
 */
export interface LogReader {
  latestCheckpoint(): Promise<StoredCheckpoint | null>;
  checkpointAt(treeSize: number): Promise<StoredCheckpoint | null>;
  /** Number of stored entries (indices 0 .. size-1). */
  size(): Promise<number>;
  entry(index: number): Promise<StoredLogEntry | null>;
  /** The first logged entry of an executionId (of `kind` when given). */
  entryOf(executionId: string, kind?: LogEntryKind): Promise<StoredLogEntry | null>;
  /** Entries [from, from + count) in index order. */
  entries(from: number, count: number): Promise<StoredLogEntry[]>;
  /** Hashes of stored complete subtrees, keyed by subtreeKey; one round trip. */
  subtrees(refs: readonly SubtreeRef[]): Promise<Map<string, Buffer>>;
  monitorReports(limit: number): Promise<LogMonitorReport[]>;
}
