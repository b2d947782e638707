import type { FastifyBaseLogger } from 'fastify';
import type { TrustRoot } from '../core/trust/TrustRoot.js';
import type { ApiKeyEntry } from './auth/ApiKey.js';
import type { TrustRootResponse } from './contract.js';
import type { ApiMetrics } from './metrics/ApiMetrics.js';
import type { ApiEvents, AuditReader, ExecutionGateway, HealthProbe, LogReader, OverrideGateway } from './ports.js';

export interface ApiSettings {
  readonly executeTimeoutMs: number;
  readonly overrideTimeoutMs: number;
  /** Largest HTTP body accepted (413 beyond). */
  readonly bodyLimit: number;
  /** Largest encoded execution request (REQ-008, 413 beyond). */
  readonly maxRequestBytes: number;
  /** Requests per key per window: /execute on its own, every other route together. */
  readonly rateLimit: { readonly execute: number; readonly other: number; readonly windowMs: number };
  readonly corsOrigin: string;
  /** Built dashboard (dashboard/dist) served at /dashboard/, when present. */
  readonly dashboardDir?: string;
  /** Test-only routes under /test-hooks (PARMANA_API_TEST_HOOKS=1); never on in production. */
  readonly testHooks?: boolean;
}

/** Everything the server needs, injected: route tests pass fakes, `parmana api` passes Kafka and Postgres. */
export interface AppDeps {
  readonly keys: readonly ApiKeyEntry[];
  readonly executions: ExecutionGateway;
  readonly overrides: OverrideGateway;
  readonly events: ApiEvents;
  readonly audit: AuditReader;
  /** The transparency log's tables (read only). */
  readonly transparencyLog: LogReader;
  readonly health: HealthProbe;
  readonly metrics: ApiMetrics;
  readonly trustRoot: () => TrustRoot;
  /** The signed trust-root files as served by GET /trust-root. */
  readonly trustRootFiles: () => TrustRootResponse;
  readonly settings: ApiSettings;
  readonly now: () => Date;
  readonly log: FastifyBaseLogger;
}
