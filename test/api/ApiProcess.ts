import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROLES } from '../../api/auth/ApiKey.js';
import type { Role } from '../../api/contract.js';
import { waitForApiAddress } from '../../ops/cli/apiAddress.js';
import { addApiKey } from '../../ops/cli/commands/api.js';
import type { PipelineHarness } from '../pipeline/PipelineHarness.js';

export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** A real `parmana api` process on a free port, with one fresh key per role (tests only). */
export class ApiProcess {
  private constructor(
    readonly url: string,
    readonly secrets: Readonly<Record<Role, string>>,
    readonly child: ChildProcess,
  ) {}

  static async start(h: PipelineHarness, extraEnv: Record<string, string> = {}): Promise<ApiProcess> {
    const file = join(mkdtempSync(join(tmpdir(), 'api-keys-')), 'keys.json');
    const secrets = {} as Record<Role, string>;
    for (const role of ROLES) secrets[role] = addApiKey(file, `${role}-key`, [role]).secret;
    const child = h.start(['api'], { API_PORT: '0', PARMANA_API_KEYS_FILE: file, ...extraEnv });
    return new ApiProcess(await waitForApiAddress(child), secrets, child);
  }

  async call<T = unknown>(method: 'GET' | 'POST', path: string, role?: Role, body?: unknown): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (role !== undefined) headers.authorization = `Bearer ${this.secrets[role]}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // non-JSON (metrics)
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
}
