import { ERROR_CODES } from '../../core/errors/registry.js';
import { EDGE_RETRY, withRetry, type RetryPolicy } from '../retry/withRetry.js';

/**
 * A registry failure: REG-001 (unreachable or 5xx: retriable) or REG-002 (refused), with the HTTP status. Not a
 * ParmanaError on purpose: code paths that dead-letter a record for a coded input error must never dead-letter
 * because the registry is down or misconfigured; they wait or stop instead.
 */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  readonly code: 'REG-001' | 'REG-002';
  readonly retriable: boolean;

  constructor(
    detail: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    const code = status === undefined || status >= 500 ? 'REG-001' : 'REG-002';
    super(`${code} ${ERROR_CODES[code].message}: ${detail}`, options);
    this.code = code;
    this.retriable = ERROR_CODES[code].retriable;
  }
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * The few calls of the Confluent-compatible registry API (Apicurio's /apis/ccompat/v7) the product needs. Every call
 * is idempotent, so an unreachable registry or a 5xx (a restart, its database going away) is retried with jittered
 * backoff within `retry`; a refusal (4xx) is not.
 */
export class SchemaRegistryClient {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly timeoutMs = 10_000,
    private readonly retry: RetryPolicy = EDGE_RETRY,
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  private call(method: string, path: string, body?: unknown): Promise<unknown> {
    return withRetry(() => this.callOnce(method, path, body), this.retry);
  }

  private async callOnce(method: string, path: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: { 'content-type': CONTENT_TYPE, accept: CONTENT_TYPE },
        signal: AbortSignal.timeout(this.timeoutMs),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (cause) {
      throw new RegistryError(`schema registry unreachable at ${this.base}`, undefined, { cause });
    }
    const text = await res.text();
    if (!res.ok) {
      throw new RegistryError(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`, res.status);
    }
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }

  async register(subject: string, schema: string): Promise<number> {
    const r = (await this.call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema })) as {
      id: number;
    };
    return r.id;
  }

  async setCompatibility(subject: string, level: 'BACKWARD'): Promise<void> {
    await this.call('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level });
  }

  async latest(subject: string): Promise<{ id: number; schema: string }> {
    return (await this.call('GET', `/subjects/${encodeURIComponent(subject)}/versions/latest`)) as {
      id: number;
      schema: string;
    };
  }

  async schemaById(id: number): Promise<string> {
    const r = (await this.call('GET', `/schemas/ids/${id}`)) as { schema: string };
    return r.schema;
  }
}
