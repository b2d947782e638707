import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The real binary (`npm test` builds dist/ first). Only refused lines: nothing is sent, so no Kafka is needed.
const BIN = fileURLToPath(new URL('../../../bin/parmana.js', import.meta.url));

function produce(lines: string[]): { code: number | null; out: string; err: string } {
  const dir = mkdtempSync(join(tmpdir(), 'parmana-produce-'));
  writeFileSync(join(dir, 'requests.jsonl'), lines.join('\n'));
  const r = spawnSync(process.execPath, [BIN, 'produce', '--file', 'requests.jsonl'], {
    cwd: dir,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      KAFKA_BROKERS: '127.0.0.1:1',
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1/apis/ccompat/v7',
      PARMANA_MAX_REQUEST_BYTES: '512',
    },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const ok = { executionId: 'e-1', policyId: 'loan-approval', policyVersion: '1.0.0', signals: { a: 1 } };

describe('parmana produce', () => {
  it('reports every refused line with its number and code, and exits 1', () => {
    const r = produce([
      JSON.stringify({ ...ok, executionId: '' }),
      '',
      '{"executionId":"x","executionId":"y"}',
      '{not json',
      JSON.stringify({ ...ok, policyVersion: 'latest' }),
      JSON.stringify({ ...ok, signals: { blob: 'x'.repeat(600) } }),
      JSON.stringify({ ...ok, extra: 1 }),
    ]);
    expect(r.code).toBe(1);
    const errLines = r.err.trim().split('\n');
    expect(errLines.map((l) => /^line (\d+): ([A-Z]{3}-\d{3})/.exec(l)?.slice(1, 3).join(' '))).toEqual([
      '1 REQ-002',
      '3 CAN-003',
      '4 CAN-004',
      '5 REQ-006',
      '6 REQ-008',
      '7 REQ-009',
    ]);
    expect(r.out).toContain('produced 0 request(s) to parmana.requests; refused 6');
  });

  it('refuses a missing --file as a usage error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parmana-produce-'));
    const r = spawnSync(process.execPath, [BIN, 'produce'], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, KAFKA_BROKERS: '127.0.0.1:1', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1/x' },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('--file');
  });
});
