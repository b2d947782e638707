import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { authenticate, hashApiKey, parseApiKeys } from '../../api/auth/ApiKey.js';

// The real binary (`npm test` builds dist/ first).
const BIN = fileURLToPath(new URL('../../bin/parmana.js', import.meta.url));

function parmana(cwd: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('parmana apikey create', () => {
  it('prints a new key once and stores only its SHA-256, with the roles, in a 0600 file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parmana-apikey-'));
    const first = parmana(
      dir,
      'apikey',
      'create',
      '--name',
      'ci',
      '--role',
      'executor',
      '--role',
      'auditor',
      '--file',
      'keys.json',
    );
    expect(first.code).toBe(0);
    const secret = first.out.trim();
    expect(secret).toMatch(/^pk_[A-Za-z0-9_-]{43}$/);
    const text = readFileSync(join(dir, 'keys.json'), 'utf8');
    expect(text).not.toContain(secret);
    const keys = parseApiKeys(text);
    expect(keys).toEqual([{ name: 'ci', sha256: hashApiKey(secret), roles: ['executor', 'auditor'] }]);
    expect(authenticate(keys, secret)?.name).toBe('ci');
    expect(authenticate(keys, `${secret}x`)).toBeUndefined();
    expect(statSync(join(dir, 'keys.json')).mode & 0o777).toBe(0o600);

    const second = parmana(dir, 'apikey', 'create', '--name', 'ops', '--role', 'admin', '--file', 'keys.json');
    expect(second.code).toBe(0);
    expect(second.out.trim()).not.toBe(secret);
    expect(parseApiKeys(readFileSync(join(dir, 'keys.json'), 'utf8')).map((k) => k.name)).toEqual(['ci', 'ops']);
  });

  it('refuses an unknown role, a missing role and a duplicate name, leaving the file as it was', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parmana-apikey-'));
    expect(parmana(dir, 'apikey', 'create', '--name', 'a', '--role', 'root', '--file', 'k.json').code).not.toBe(0);
    expect(parmana(dir, 'apikey', 'create', '--name', 'a', '--file', 'k.json').code).not.toBe(0);
    expect(parmana(dir, 'apikey', 'create', '--name', 'a', '--role', 'admin', '--file', 'k.json').code).toBe(0);
    const before = readFileSync(join(dir, 'k.json'), 'utf8');
    const dup = parmana(dir, 'apikey', 'create', '--name', 'a', '--role', 'auditor', '--file', 'k.json');
    expect(dup.code).not.toBe(0);
    expect(dup.err).toContain('already exists');
    expect(readFileSync(join(dir, 'k.json'), 'utf8')).toBe(before);
  });
});
