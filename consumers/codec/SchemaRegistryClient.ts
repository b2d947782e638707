/** The few calls of the Confluent-compatible registry API (Apicurio's /apis/ccompat/v7) the product needs. */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export class SchemaRegistryClient {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: { 'content-type': CONTENT_TYPE, accept: CONTENT_TYPE },
        signal: AbortSignal.timeout(this.timeoutMs),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (cause) {
      throw new RegistryError(`schema registry unreachable at ${this.base}`, undefined, true, { cause });
    }
    const text = await res.text();
    if (!res.ok) {
      throw new RegistryError(
        `${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`,
        res.status,
        res.status >= 500,
      );
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
