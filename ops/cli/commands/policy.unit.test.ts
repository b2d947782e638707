import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hashCanonical } from '../../../core/hash/hashCanonical.js';

// The real binary (built by `npm run build`), run in temporary copies of the shipped policies.
const BIN = fileURLToPath(new URL('../../../bin/parmana.js', import.meta.url));
const POLICIES = fileURLToPath(new URL('../../../policies', import.meta.url));
const SHIPPED = ['loan-approval', 'refund-approval', 'agent-action-gate'];

function parmana(cwd: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parmana-policy-cli-'));
  cpSync(POLICIES, join(dir, 'policies'), { recursive: true, filter: (src) => !src.endsWith('manifest.json') });
  return dir;
}

/** Rewrites a JSON file of the workspace through a function of its parsed value. */
function edit(dir: string, file: string, change: (v: Record<string, unknown>) => void): void {
  const path = join(dir, file);
  const value = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  change(value);
  writeFileSync(path, JSON.stringify(value, null, 2));
}

const LOAN = 'policies/loan-approval/1.0.0';

describe('parmana policy test', { timeout: 30_000 }, () => {
  it.each(SHIPPED)('passes every case of the shipped %s policy', (id) => {
    const r = parmana(workspace(), 'policy', 'test', `policies/${id}/1.0.0`);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('PASS ')).length).toBeGreaterThanOrEqual(8);
    expect(lines.filter((l) => l.startsWith('FAIL '))).toEqual([]);
    expect(lines.at(-1)).toMatch(/^\d+ passed, 0 failed$/);
  });

  it('fails an expected error that does not happen, printing expected and got', () => {
    const dir = workspace();
    edit(dir, `${LOAN}/tests.json`, (t) => {
      const cases = t.cases as Record<string, unknown>[];
      cases.push({
        name: 'wrongly expects a refusal',
        signals: (cases[0] as { signals: unknown }).signals,
        expectError: 'VAL-009',
      });
    });
    const r = parmana(dir, 'policy', 'test', LOAN);
    expect(r.code).toBe(1);
    expect(r.out).toContain('FAIL wrongly expects a refusal: expected VAL-009, but the signals were accepted');
    expect(r.out).toMatch(/\n10 passed, 1 failed\n$/);
  });

  it('exits 1 without running cases when the policy does not compile or tests.json is malformed', () => {
    const dir = workspace();
    edit(dir, `${LOAN}/tests.json`, (t) => {
      t.cases = 'none';
    });
    const malformed = parmana(dir, 'policy', 'test', LOAN);
    expect(malformed.code).toBe(1);
    expect(malformed.err).toContain('tests.json: $.cases must be an array');
    edit(dir, `${LOAN}/policy.json`, (p) => {
      p.schemaVersion = '9.9.9';
    });
    const broken = parmana(dir, 'policy', 'test', LOAN);
    expect(broken.code).toBe(1);
    expect(broken.err).toContain('POL-006 error $.schemaVersion');
    expect(broken.out).not.toContain('PASS');
  });
});

describe('parmana policy compile', { timeout: 30_000 }, () => {
  it('writes the canonical compiled form with --out, relative to the working folder', () => {
    const dir = workspace();
    const r = parmana(dir, 'policy', 'compile', LOAN, '--out', 'compiled.json');
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    const text = readFileSync(join(dir, 'compiled.json'), 'utf8');
    const { policyHash, ...body } = JSON.parse(text) as Record<string, unknown>;
    expect(policyHash).toBe(hashCanonical(body));
    // Identical bytes to what stdout would print: deterministic.
    expect(parmana(dir, 'policy', 'compile', LOAN).out).toBe(text);
  });

  it('prints warnings but exits 0 for a missing catch-all and an unreachable rule', () => {
    const dir = workspace();
    edit(dir, `${LOAN}/policy.json`, (p) => {
      (p.rules as unknown[]).pop();
    });
    const missing = parmana(dir, 'policy', 'compile', LOAN);
    expect(missing.code).toBe(0);
    expect(missing.err).toMatch(/^POL-031 warning \$\.rules: /m);
    edit(dir, `${LOAN}/policy.json`, (p) => {
      const rules = p.rules as unknown[];
      rules.unshift({
        id: 'everything',
        condition: { all: [] },
        outcome: { action: 'reject', requires_override: false, reason: 'x' },
      });
    });
    const unreachable = parmana(dir, 'policy', 'compile', LOAN);
    expect(unreachable.code).toBe(0);
    expect(unreachable.err).toContain('POL-030 warning $.rules[1]');
  });

  it('exits 1 with a coded line naming the file for duplicate keys, and with POL-004 in a wrong folder', () => {
    const dir = workspace();
    const file = join(dir, LOAN, 'policy.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('{', '{ "rules": [],'));
    const dup = parmana(dir, 'policy', 'compile', LOAN);
    expect(dup.code).toBe(1);
    expect(dup.err).toMatch(/POL-041 .*policy\.json: CAN-003/);
    cpSync(join(dir, 'policies/refund-approval/1.0.0'), join(dir, 'policies/refunds/1.0.0'), { recursive: true });
    const moved = parmana(dir, 'policy', 'compile', 'policies/refunds/1.0.0');
    expect(moved.code).toBe(1);
    expect(moved.err).toContain('POL-004 error $.policyId');
    expect(moved.out).toBe('');
  });
});
