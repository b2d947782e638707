// The API's wire contract: request and response bodies of every route. The server, the client SDK and the dashboard
// all import these types, so a change here is a change to all three. Field names are camelCase except where the
// issue fixed them (requires_override, execution_state, event_type, ...), which keep the reference's snake_case.

import type { EnvelopeJson } from '../core/dsse/EnvelopeJson.js';

/** One error shape for every failure: `{ error: { code, message } }`; never a stack trace. */
export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    /** JSON path of the offending input when there is one. */
    readonly path?: string;
    readonly requestId?: string;
  };
}

/** A DSSE envelope with one Ed25519 signature (docs/attestation-format.md); defined in core, types only. */
export type { EnvelopeJson };

export interface ExecuteRequest {
  readonly executionId: string;
  readonly policyId: string;
  readonly policyVersion: string;
  readonly signals: Readonly<Record<string, unknown>>;
  readonly requestedBy?: string;
}

/** 200 from POST /execute and GET /executions/:executionId when the request was decided. */
export interface ExecuteResponse {
  readonly executionId: string;
  /** The execution state: completed, or pending_override when a human must approve. */
  readonly status: 'completed' | 'pending_override';
  readonly requires_override: boolean;
  readonly action: string;
  readonly ruleId: string;
  readonly attestation: EnvelopeJson;
}

/** 422 body when the worker refused the request: the signed rejection rides along. */
export interface RejectionBody extends ErrorBody {
  readonly rejection: { readonly executionId: string; readonly attestation: EnvelopeJson };
}

export interface VerifyRequest {
  readonly attestation: EnvelopeJson;
}

export interface VerificationResult {
  readonly verificationId: string;
  readonly valid: boolean;
  /** Check name -> pass | fail | skipped. */
  readonly checks: Readonly<Record<string, 'pass' | 'fail' | 'skipped'>>;
  readonly reasons: readonly { readonly code: string; readonly message: string }[];
  readonly executionId: string | null;
  readonly signerKeyId: string | null;
}

export interface OverrideRequest {
  readonly executionId: string;
  readonly approved: boolean;
  readonly approvedBy: string;
  readonly approverRole: string;
  readonly reason: string;
}

export interface OverrideResponse {
  readonly executionId: string;
  readonly status: 'approved' | 'rejected';
  readonly approvedBy: string;
  readonly decidedAt: string;
  /** The worker's signed override record. */
  readonly attestation: EnvelopeJson;
}

/** A page of rows; pass nextCursor back as `cursor` for the next page (null: no more rows). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

export interface DecisionRow {
  readonly executionId: string;
  readonly policyId: string;
  readonly policyVersion: string;
  readonly action: string;
  readonly requires_override: boolean;
  readonly execution_state: string;
  readonly ruleId: string;
  readonly executionFingerprint: string;
  readonly requestedAt: string;
  readonly signerKeyId: string;
  readonly recordedAt: string;
}

export interface DecisionFilters {
  readonly policyId?: string;
  readonly policyVersion?: string;
  readonly action?: string;
  readonly execution_state?: string;
  /** ISO timestamps bounding requestedAt: from inclusive, to exclusive. */
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

/** GET /audit/decisions/:executionId: the stored attestation and its verification redone at read time. */
export interface DecisionDetail {
  readonly decision: DecisionRow;
  readonly attestation: EnvelopeJson;
  readonly verification: Omit<VerificationResult, 'verificationId'>;
  readonly overrides: readonly OverrideRow[];
}

/** GET /audit/security: one row per (event_type, severity). */
export interface SecurityGroup {
  readonly event_type: string;
  readonly severity: string;
  readonly event_count: number;
  readonly first_occurrence: string;
  readonly last_occurrence: string;
}

export interface SecurityEventRow {
  readonly eventId: string;
  readonly event_type: string;
  readonly severity: string;
  readonly executionId: string | null;
  readonly source: string;
  readonly code: string | null;
  readonly detail: unknown;
  readonly occurredAt: string;
}

export interface SecurityEventFilters {
  readonly event_type?: string;
  readonly severity?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

/** An execution that needed (or needs) a human: pending until an approved/rejected result exists. */
export interface OverrideRow {
  readonly executionId: string;
  readonly policyId: string;
  readonly policyVersion: string;
  readonly action: string;
  readonly requestedAt: string;
  readonly status: 'pending' | 'approved' | 'rejected';
  readonly resolvedBy: string | null;
  readonly approverRole: string | null;
  readonly reason: string | null;
  readonly resolvedAt: string | null;
}

export interface OverrideFilters {
  readonly status?: 'pending' | 'approved' | 'rejected';
  readonly limit?: number;
  readonly cursor?: string;
}

export interface VerificationRow {
  readonly verificationId: string;
  readonly executionId: string | null;
  readonly valid: boolean;
  readonly checks: Readonly<Record<string, string>>;
  readonly reasons: readonly { readonly code: string; readonly message: string }[];
  readonly signerKeyId: string | null;
  readonly source: string;
  readonly requestedBy: string | null;
  readonly verifiedAt: string;
}

export interface VerificationFilters {
  readonly valid?: boolean;
  readonly executionId?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

export interface ApiCallRow {
  readonly requestId: string;
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly keyName: string | null;
  readonly latencyMs: number;
  readonly at: string;
}

export interface ApiCallFilters {
  readonly route?: string;
  readonly status?: number;
  readonly keyName?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

export interface TimeRange {
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
}

/** GET /audit/stats: counts for the dashboard. Per-minute series cover the hour before `now`. */
export interface AuditStats {
  readonly decisions: { readonly total: number; readonly byAction: Readonly<Record<string, number>> };
  readonly rejections: { readonly total: number; readonly byCode: Readonly<Record<string, number>> };
  readonly securityEvents: { readonly byType: Readonly<Record<string, number>> };
  readonly overrides: { readonly pending: number; readonly approved: number; readonly rejected: number };
  readonly verifications: { readonly valid: number; readonly invalid: number };
  readonly decisionsPerMinute: readonly { readonly minute: string; readonly count: number }[];
  readonly replayAttemptsPerMinute: readonly { readonly minute: string; readonly count: number }[];
}

export interface DependencyHealth {
  readonly ok: boolean;
  readonly detail?: string;
}

export interface HealthResponse {
  readonly status: 'ok' | 'degraded';
  readonly kafka: DependencyHealth;
  readonly schema_registry: DependencyHealth;
  readonly audit_db: boolean;
  readonly worker: {
    readonly alive: boolean;
    readonly instances: readonly {
      readonly instanceId: string;
      readonly status: string;
      readonly lastSeen: string;
      readonly signerKeyId: string | null;
    }[];
  };
  readonly signing_key: {
    readonly status: 'active' | 'unknown' | 'untrusted' | 'revoked' | 'expired' | 'down';
    readonly keyId: string | null;
  };
  readonly trust_root_version: number;
  readonly runtime_version: string;
}

export type Role = 'executor' | 'auditor' | 'approver' | 'admin';

/**
 * GET /trust-root (public): the signed trust root exactly as on disk, so a browser can check its signature against
 * root.pub itself and then verify attestations with the listed keys, without taking the server's word.
 */
export interface TrustRootResponse {
  readonly version: number;
  /** trust-root.json, byte for byte (the signed text). */
  readonly json: string;
  /** trust-root.sig: base64 Ed25519 signature over the DSSE PAE of `json`. */
  readonly signature: string;
  readonly payloadType: string;
  /** root.pub (SPKI PEM). */
  readonly rootPublicKeyPem: string;
  readonly keys: readonly {
    readonly keyId: string;
    /** Raw 32-byte Ed25519 public key, hex. */
    readonly publicKeyHex: string;
    readonly purposes: readonly string[];
    readonly notBefore: string;
    readonly notAfter: string;
    readonly revokedAt?: string;
  }[];
}

// Transparency log (docs/transparency-log.md). Hashes are standard base64, as in the checkpoint note itself.

/** GET /log/checkpoint: the latest signed checkpoint. Verify `note` yourself; the other fields are its parse. */
export interface LogCheckpointResponse {
  readonly origin: string;
  readonly treeSize: number;
  readonly rootHash: string;
  /** The C2SP signed note, byte for byte as signed. */
  readonly note: string;
  readonly signerKeyId: string;
  readonly signedAt: string;
}

export type LogEntryKind = 'attestation' | 'rejection' | 'override';

/** GET /log/entries/:index. `envelope` is the entry bytes parsed: canonical JSON of it is the leaf's input. */
export interface LogEntryResponse {
  readonly leafIndex: number;
  readonly kind: LogEntryKind;
  readonly executionId: string;
  readonly leafHash: string;
  readonly envelope: EnvelopeJson;
  readonly appendedAt: string;
}

export interface InclusionProofQuery {
  readonly executionId?: string;
  readonly index?: number;
  /** Default: the latest checkpoint's size. */
  readonly treeSize?: number;
  /** With executionId: which of its entries (default the first logged). */
  readonly kind?: LogEntryKind;
}

/** GET /log/proof/inclusion: everything `parmana verify inclusion` needs offline, with the checkpoint of treeSize. */
export interface InclusionProofResponse {
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly executionId: string;
  readonly kind: LogEntryKind;
  readonly leafHash: string;
  readonly rootHash: string;
  /** RFC 9162 inclusion proof, leaf side first. */
  readonly hashes: readonly string[];
  readonly envelope: EnvelopeJson;
  /** The signed checkpoint of treeSize, when one was signed at that size. */
  readonly checkpoint: string | null;
}

export interface ConsistencyProofQuery {
  readonly from: number;
  readonly to?: number;
}

/** GET /log/proof/consistency: RFC 9162 consistency proof between two tree sizes, with their signed checkpoints. */
export interface ConsistencyProofResponse {
  readonly fromSize: number;
  readonly toSize: number;
  readonly fromRoot: string;
  readonly toRoot: string;
  readonly hashes: readonly string[];
  readonly fromCheckpoint: string | null;
  readonly toCheckpoint: string | null;
}

/** One check by `parmana log monitor`. */
export interface LogMonitorReport {
  readonly monitor: string;
  readonly status: 'ok' | 'inconsistent';
  readonly treeSize: number;
  readonly rootHash: string;
  readonly code: string | null;
  readonly detail: unknown;
  readonly checkedAt: string;
}

/** GET /log/monitor: the monitors' latest reports, newest first. */
export interface LogMonitorResponse {
  readonly items: readonly LogMonitorReport[];
}
