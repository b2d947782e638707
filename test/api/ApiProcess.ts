import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROLES } from '../../api/auth/ApiKey.js';
import type { Role } from '../../api/contract.js';
import { addApiKey } from '../../ops/cli/commands/api.js';
import { PipelineHarness } from '../pipeline/PipelineHarness.js';

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
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const match = /api listening on (http:\/\/\S+)/.exec(PipelineHarness.output(child));
      if (match?.[1] !== undefined) return new ApiProcess(match[1], secrets, child);
      if (child.exitCode !== null) break;
      await sleep(100);
    }
    throw new Error(`api did not start:\n${PipelineHarness.output(child)}`);
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
