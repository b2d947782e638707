import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../../bin/parmana.js', import.meta.url));
// Unreachable services on purpose: the worker must refuse to start before it connects to anything.
const ENV = {
  PATH: process.env.PATH,
  KAFKA_BROKERS: '127.0.0.1:1',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1',
  REDIS_URL: 'redis://127.0.0.1:1',
  DATABASE_URL: 'postgres://parmana@127.0.0.1:1/parmana',
};

function worker(env: Record<string, string>): { code: number | null; err: string } {
  const cwd = mkdtempSync(join(tmpdir(), 'worker-start-'));
  const r = spawnSync(process.execPath, [BIN, 'worker'], {
    cwd,
    env: { ...ENV, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: r.status, err: r.stderr };
}

describe('parmana worker start-up (fail closed, no ephemeral key)', () => {
  it('refuses to start without a signing key', () => {
    const r = worker({});
    expect(r.code).toBe(1);
    expect(r.err).toContain('TRU-009');
    expect(r.err).toContain('PARMANA_SIGNING_KEY_FILE or PARMANA_SIGNING_KEY_PEM');
  });

  it('refuses a missing key file, a group-readable key file and a malformed PEM', () => {
    expect(worker({ PARMANA_SIGNING_KEY_FILE: '/nonexistent/key.pem' }).err).toContain('TRU-009');
    const dir = mkdtempSync(join(tmpdir(), 'key-'));
    const file = join(dir, 'k.pem');
    writeFileSync(file, 'x');
    chmodSync(file, 0o644);
    expect(worker({ PARMANA_SIGNING_KEY_FILE: file }).err).toMatch(/TRU-009 .*chmod 600/);
    expect(
      worker({ PARMANA_SIGNING_KEY_PEM: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' }).err,
    ).toContain('TRU-010');
  });

  it('names a missing configuration variable', () => {
    const r = worker({ KAFKA_BROKERS: '' });
    expect(r.code).toBe(1);
    expect(r.err).toContain('KAFKA_BROKERS is required for worker');
  });
});
