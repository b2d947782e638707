import pino from 'pino';
import { trustRoot, signerFromSeed, SEED_1 } from '../../test/fixtures/testTrust.js';
import type { AppDeps, ApiSettings } from '../AppDeps.js';
import { hashApiKey, type ApiKeyEntry } from '../auth/ApiKey.js';
import type { AuditStats, HealthResponse, Page } from '../contract.js';
import { ApiMetrics } from '../metrics/ApiMetrics.js';
import { MemoryLogReader } from './MemoryLogReader.js';
import type {
  ApiCallInput,
  AuditReader,
  OverrideCommandInput,
  OverrideOutcome,
  Outcome,
  SecurityEventInput,
  ValidatedExecuteRequest,
  VerificationRecordInput,
} from '../ports.js';

// In-memory stand-ins for the server's edges, for route tests through app.inject (tests only).

export const SIGNER = signerFromSeed(SEED_1);
export const TRUST = trustRoot(1, [{ signer: SIGNER, purposes: ['attestation-signing'] }]);

export const SECRETS = {
  executor: 'pk_test_executor_secret',
  auditor: 'pk_test_auditor_secret',
  approver: 'pk_test_approver_secret',
  admin: 'pk_test_admin_secret',
} as const;

export const KEYS: readonly ApiKeyEntry[] = (Object.keys(SECRETS) as (keyof typeof SECRETS)[]).map((role) => ({
  name: `${role}-key`,
  sha256: hashApiKey(SECRETS[role]),
  roles: [role],
}));

export class FakeExecutions {
  readonly calls: { request: ValidatedExecuteRequest; traceparent: string | undefined }[] = [];
  answer: (r: ValidatedExecuteRequest) => Promise<Outcome | 'timeout'> = () => Promise.resolve('timeout');
  readonly recentOutcomes = new Map<string, Outcome>();

  execute(request: ValidatedExecuteRequest, _timeoutMs: number, traceparent?: string): Promise<Outcome | 'timeout'> {
    this.calls.push({ request, traceparent });
    return this.answer(request);
  }
  recent(executionId: string): Outcome | undefined {
    return this.recentOutcomes.get(executionId);
  }
}

export class FakeOverrides {
  readonly calls: OverrideCommandInput[] = [];
  answer: OverrideOutcome | 'timeout' = 'timeout';
  override(command: OverrideCommandInput): Promise<OverrideOutcome | 'timeout'> {
    this.calls.push(command);
    return Promise.resolve(this.answer);
  }
}

export class FakeEvents {
  readonly security: SecurityEventInput[] = [];
  readonly verifications: VerificationRecordInput[] = [];
  readonly apiCalls: ApiCallInput[] = [];
  failVerifications = false;
  verification(r: VerificationRecordInput): Promise<void> {
    if (this.failVerifications) return Promise.reject(new Error('broker down'));
    this.verifications.push(r);
    return Promise.resolve();
  }
  securityEvent(e: SecurityEventInput): void {
    this.security.push(e);
  }
  apiCall(c: ApiCallInput): void {
    this.apiCalls.push(c);
  }
}

const emptyPage = (): Promise<Page<never>> => Promise.resolve({ items: [], nextCursor: null });

/** Every method records its filters and answers empty, unless a test replaces it. */
export function fakeAudit(calls: { method: string; args: unknown }[]): AuditReader {
  const record =
    <T>(method: string, answer: () => Promise<T>) =>
    (args: unknown): Promise<T> => {
      calls.push({ method, args });
      return answer();
    };
  const stats: AuditStats = {
    decisions: { total: 0, byAction: {} },
    rejections: { total: 0, byCode: {} },
    securityEvents: { byType: {} },
    overrides: { pending: 0, approved: 0, rejected: 0 },
    verifications: { valid: 0, invalid: 0 },
    decisionsPerMinute: [],
    replayAttemptsPerMinute: [],
  };
  return {
    decisions: record('decisions', emptyPage),
    decision: record('decision', () => Promise.resolve(null)),
    rejection: record('rejection', () => Promise.resolve(null)),
    securityGroups: record('securityGroups', () => Promise.resolve([])),
    securityEvents: record('securityEvents', emptyPage),
    overrides: record('overrides', emptyPage),
    verifications: record('verifications', emptyPage),
    apiCalls: record('apiCalls', emptyPage),
    stats: record('stats', () => Promise.resolve(stats)),
    ping: () => Promise.resolve(true),
  };
}

export const HEALTHY: HealthResponse = {
  status: 'ok',
  kafka: { ok: true },
  schema_registry: { ok: true },
  audit_db: true,
  worker: { alive: true, instances: [] },
  signing_key: { status: 'active', keyId: SIGNER.keyId },
  trust_root_version: 1,
  runtime_version: 'test',
};

export const SETTINGS: ApiSettings = {
  executeTimeoutMs: 1_000,
  overrideTimeoutMs: 1_000,
  bodyLimit: 16_384,
  maxRequestBytes: 2_048,
  rateLimit: { execute: 1_000, other: 1_000, windowMs: 60_000 },
  corsOrigin: 'http://dashboard.test:8081',
};

export interface Fakes {
  readonly deps: AppDeps;
  readonly executions: FakeExecutions;
  readonly overrides: FakeOverrides;
  readonly events: FakeEvents;
  readonly auditCalls: { method: string; args: unknown }[];
  readonly audit: AuditReader;
  readonly log: MemoryLogReader;
}

export function fakes(settings: Partial<ApiSettings> = {}): Fakes {
  const executions = new FakeExecutions();
  const overrides = new FakeOverrides();
  const events = new FakeEvents();
  const auditCalls: { method: string; args: unknown }[] = [];
  const audit = fakeAudit(auditCalls);
  const log = new MemoryLogReader();
  const deps: AppDeps = {
    keys: KEYS,
    executions,
    overrides,
    events,
    audit,
    transparencyLog: log,
    health: {
      health: () => Promise.resolve(HEALTHY),
      ready: () => Promise.resolve({ ready: true, reasons: [] }),
    },
    metrics: new ApiMetrics(),
    trustRoot: () => TRUST,
    trustRootFiles: () => ({
      version: 1,
      json: '{}',
      signature: '',
      payloadType: 'application/vnd.parmana.trust-root+json;version=1',
      rootPublicKeyPem: '',
      keys: [],
    }),
    settings: { ...SETTINGS, ...settings },
    now: () => new Date('2026-03-01T12:00:00Z'),
    log: pino({ level: 'silent' }),
  };
  return { deps, executions, overrides, events, auditCalls, audit, log };
}
