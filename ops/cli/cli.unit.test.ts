import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { attestationEnvelope } from '../../core/attestation/buildAttestationBody.js';
import { sampleAttestationBody } from '../../test/fixtures/sampleAttestation.js';
import { loadSignerFile } from '../keys/keyFiles.js';

// The real binary, run on temporary folders (`npm test` builds dist/ first).
const BIN = fileURLToPath(new URL('../../bin/parmana.js', import.meta.url));
const POLICIES = fileURLToPath(new URL('../../policies', import.meta.url));

function parmana(cwd: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parmana-cli-'));
  cpSync(POLICIES, join(dir, 'policies'), { recursive: true, filter: (src) => !src.endsWith('manifest.json') });
  return dir;
}

describe('parmana policy compile|test', () => {
  it('compiles a shipped policy and prints the canonical compiled form', () => {
    const dir = workspace();
    const r = parmana(dir, 'policy', 'compile', 'policies/loan-approval/1.0.0');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { policyHash: string }).policyHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('fails a broken policy with the code and path of the problem', () => {
    const dir = workspace();
    const file = join(dir, 'policies/loan-approval/1.0.0/policy.json');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        '"signal": "credit_score", "less_than": 580',
        '"signal": "fico", "less_than": 580',
      ),
    );
    const r = parmana(dir, 'policy', 'compile', 'policies/loan-approval/1.0.0');
    expect(r.code).toBe(1);
    expect(r.err).toContain('POL-020 error $.rules[0].condition.signal');
  });

  it('runs tests.json like `opa test`: pass, then fail on a wrong expectation', () => {
    const dir = workspace();
    const ok = parmana(dir, 'policy', 'test', 'policies/agent-action-gate/1.0.0');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('10 passed, 0 failed');
    const tests = join(dir, 'policies/agent-action-gate/1.0.0/tests.json');
    writeFileSync(tests, readFileSync(tests, 'utf8').replace('"ruleId": "sandbox-allow"', '"ruleId": "default-allow"'));
    const bad = parmana(dir, 'policy', 'test', 'policies/agent-action-gate/1.0.0');
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('FAIL sandbox delete is allowed');
    expect(bad.out).toContain('9 passed, 1 failed');
  });

  it('exits 2 on an unknown command or missing argument', () => {
    expect(parmana(tmpdir(), 'frobnicate').code).toBe(2);
    expect(parmana(tmpdir(), 'policy', 'compile').code).toBe(2);
  });
});

describe('parmana keys, trust, dev init, policy build, verify', () => {
  let dir: string;

  beforeAll(() => {
    dir = workspace();
    const r = parmana(dir, 'dev', 'init');
    expect(r.code, r.err).toBe(0);
  });

  it('keys generate writes a 0600 PKCS#8 key and refuses to overwrite', () => {
    const r = parmana(dir, 'keys', 'generate', '--out', 'k/new.pem');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^keyId [0-9a-f]{64}/);
    expect(statSync(join(dir, 'k/new.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'k/new.pem'), 'utf8')).toContain('BEGIN PRIVATE KEY');
    const again = parmana(dir, 'keys', 'generate', '--out', 'k/new.pem');
    expect(again.code).toBe(1);
    expect(again.err).toContain('TRU-009');
  });

  it('dev init generated keys, a signed trust root and verifiable bundles; it is idempotent', () => {
    for (const name of ['root', 'bundle-signing', 'attestation-signing']) {
      expect(statSync(join(dir, `.local/keys/${name}.pem`)).mode & 0o777).toBe(0o600);
    }
    const ok = parmana(dir, 'verify', 'bundle', 'policies/loan-approval/1.0.0');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^OK .* bundle_hash [0-9a-f]{64}/);
    expect(parmana(dir, 'dev', 'init').out).toContain('unchanged');
  });

  it('verify bundle exits 1 with one coded line per problem', () => {
    const copy = mkdtempSync(join(tmpdir(), 'bundle-'));
    const fresh = (): string => {
      rmSync(copy, { recursive: true, force: true });
      cpSync(join(dir, 'policies/refund-approval/1.0.0'), copy, { recursive: true });
      return copy;
    };
    const verify = (): { code: number | null; err: string } => parmana(dir, 'verify', 'bundle', copy);
    writeFileSync(join(fresh(), 'tests.json'), '{}');
    expect(verify()).toMatchObject({ code: 1, err: expect.stringContaining('BND-002 tests.json') as unknown });
    writeFileSync(join(fresh(), 'extra.txt'), 'x');
    expect(verify()).toMatchObject({ code: 1, err: expect.stringContaining('BND-003 extra.txt') as unknown });
    rmSync(join(fresh(), 'tests.json'));
    expect(verify()).toMatchObject({ code: 1, err: expect.stringContaining('BND-004 tests.json') as unknown });
    writeFileSync(join(fresh(), 'manifest.json'), '{"manifestVersion": "1"');
    expect(verify()).toMatchObject({ code: 1, err: expect.stringContaining('BND-001') as unknown });
  });

  it('policy build refuses to re-sign a signed version with different content', () => {
    const file = join(dir, 'policies/refund-approval/1.0.0/policy.json');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('Small refund, low risk', 'Small refund'));
    const r = parmana(
      dir,
      'policy',
      'build',
      'policies/refund-approval/1.0.0',
      '--key',
      '.local/keys/bundle-signing.pem',
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain('BND-009');
    writeFileSync(file, original);
    expect(
      parmana(dir, 'policy', 'build', 'policies/refund-approval/1.0.0', '--key', '.local/keys/bundle-signing.pem').out,
    ).toContain('unchanged');
  });

  it('trust add-key and revoke-key bump the version; a revoked bundle key fails verification', () => {
    expect(parmana(dir, 'keys', 'generate', '--out', 'k/extra.pem').code).toBe(0);
    const add = parmana(
      dir,
      'trust',
      'add-key',
      '--root-key',
      '.local/keys/root.pem',
      '--public',
      'k/extra.pem',
      '--purpose',
      'attestation-signing',
      '--not-before',
      '2020-01-01T00:00:00Z',
      '--not-after',
      '2040-01-01T00:00:00Z',
    );
    expect(add.code, add.err).toBe(0);
    expect(add.out).toContain('trust root version 2');
    const bundleKeyId = loadSignerFile(join(dir, '.local/keys/bundle-signing.pem')).keyId;
    const revoke = parmana(
      dir,
      'trust',
      'revoke-key',
      '--root-key',
      '.local/keys/root.pem',
      '--key-id',
      bundleKeyId,
      '--at',
      '2020-06-01T00:00:00Z',
    );
    expect(revoke.code, revoke.err).toBe(0);
    expect(revoke.out).toContain('trust root version 3');
    const r = parmana(dir, 'verify', 'bundle', 'policies/loan-approval/1.0.0');
    expect(r.code).toBe(1);
    expect(r.err).toContain('BND-008');
  });

  it('verify attestation accepts a genuine envelope and rejects a tampered one', () => {
    const signer = loadSignerFile(join(dir, '.local/keys/attestation-signing.pem'));
    const envelope = attestationEnvelope(
      sampleAttestationBody(signer, 'cli-1', 'approve', new Date().toISOString()),
      signer,
    );
    writeFileSync(join(dir, 'att.json'), JSON.stringify(envelope));
    const ok = parmana(dir, 'verify', 'attestation', 'att.json');
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain('VALID');
    const body = Buffer.from(envelope.payload, 'base64').toString().replace('"approve"', '"reject"');
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({ ...envelope, payload: Buffer.from(body).toString('base64') }),
    );
    const bad = parmana(dir, 'verify', 'attestation', 'bad.json');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('ATT-005');
  });
});
