import type {
  ApiCallFilters,
  ApiCallRow,
  AuditStats,
  DecisionDetail,
  DecisionFilters,
  DecisionRow,
  EnvelopeJson,
  ErrorBody,
  ExecuteRequest,
  ExecuteResponse,
  ConsistencyProofResponse,
  InclusionProofQuery,
  InclusionProofResponse,
  LogCheckpointResponse,
  LogEntryResponse,
  LogMonitorResponse,
  HealthResponse,
  OverrideFilters,
  OverrideRequest,
  OverrideResponse,
  OverrideRow,
  Page,
  SecurityEventFilters,
  SecurityEventRow,
  SecurityGroup,
  TimeRange,
  VerificationFilters,
  VerificationResult,
  VerificationRow,
} from '../contract.js';

/** A non-2xx answer: the HTTP status, the stable error code and the whole body (a 422 carries the rejection). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** True when trying again later may succeed (timeouts, 429, 503). */
  get retriable(): boolean {
    return this.status === 429 || this.status === 503 || this.status === 504;
  }
}

export interface ClientOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Per-call timeout on the HTTP exchange (default 30 s). */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

type Query = Readonly<Record<string, string | number | boolean | undefined>>;

function queryString(q: Query | undefined): string {
  if (q === undefined) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
}

/** Typed client of the Parmana Stream API. */
export function createClient(o: ClientOptions) {
  const base = o.baseUrl.replace(/\/+$/, '');
  const doFetch = o.fetch ?? fetch;

  async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown, query?: Query): Promise<T> {
    const res = await doFetch(`${base}${path}${queryString(query)}`, {
      method,
      headers: {
        authorization: `Bearer ${o.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = text;
    }
    if (!res.ok) {
      const err = (parsed as Partial<ErrorBody> | undefined)?.error;
      throw new ApiError(res.status, err?.code ?? `HTTP-${res.status}`, err?.message ?? res.statusText, parsed);
    }
    return parsed as T;
  }

  const enc = encodeURIComponent;
  return {
    execute: (r: ExecuteRequest) => request<ExecuteResponse>('POST', '/execute', r),
    verify: (attestation: EnvelopeJson, signals?: Readonly<Record<string, unknown>>) =>
      request<VerificationResult>(
        'POST',
        '/verify',
        signals === undefined ? { attestation } : { attestation, signals },
      ),
    override: (r: OverrideRequest) => request<OverrideResponse>('POST', '/override', r),
    executions: {
      get: (executionId: string) => request<ExecuteResponse>('GET', `/executions/${enc(executionId)}`),
    },
    audit: {
      decisions: (f: DecisionFilters = {}) =>
        request<Page<DecisionRow>>('GET', '/audit/decisions', undefined, { ...f }),
      decision: (executionId: string) => request<DecisionDetail>('GET', `/audit/decisions/${enc(executionId)}`),
      security: async (r: TimeRange = {}) =>
        (await request<{ items: SecurityGroup[] }>('GET', '/audit/security', undefined, { ...r })).items,
      securityEvents: (f: SecurityEventFilters = {}) =>
        request<Page<SecurityEventRow>>('GET', '/audit/security/events', undefined, { ...f }),
      overrides: (f: OverrideFilters = {}) =>
        request<Page<OverrideRow>>('GET', '/audit/overrides', undefined, { ...f }),
      verifications: (f: VerificationFilters = {}) =>
        request<Page<VerificationRow>>('GET', '/audit/verifications', undefined, { ...f }),
      apiCalls: (f: ApiCallFilters = {}) => request<Page<ApiCallRow>>('GET', '/audit/api-calls', undefined, { ...f }),
      stats: () => request<AuditStats>('GET', '/audit/stats'),
    },
    log: {
      checkpoint: () => request<LogCheckpointResponse>('GET', '/log/checkpoint'),
      entry: (index: number) => request<LogEntryResponse>('GET', `/log/entries/${index}`),
      inclusionProof: (q: InclusionProofQuery) =>
        request<InclusionProofResponse>('GET', '/log/proof/inclusion', undefined, { ...q }),
      consistencyProof: (from: number, to?: number) =>
        request<ConsistencyProofResponse>('GET', '/log/proof/consistency', undefined, { from, to }),
      monitor: (limit?: number) => request<LogMonitorResponse>('GET', '/log/monitor', undefined, { limit }),
    },
    health: () => request<HealthResponse>('GET', '/health'),
  };
}

export type ParmanaClient = ReturnType<typeof createClient>;
