import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalize } from '../../core/canonical/canonicalize.js';
import { hashCanonical } from '../../core/hash/hashCanonical.js';

// The REAL binary (`npm run build` first), run as a child process on temporary copies of the shipped policies.
const BIN = fileURLToPath(new URL('../../bin/parmana.js', import.meta.url));
const POLICIES = fileURLToPath(new URL('../../policies', import.meta.url));
const SHIPPED = ['loan-approval', 'refund-approval', 'agent-action-gate'];

interface Run {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

function parmana(cwd: string, ...args: string[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
    timeout: 20_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const workspaces: string[] = [];
afterAll(() => {
  for (const dir of workspaces) rmSync(dir, { recursive: true, force: true });
});

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parmana-cli-policy-'));
  workspaces.push(dir);
  cpSync(POLICIES, join(dir, 'policies'), { recursive: true });
  return dir;
}

type Raw = Record<string, unknown>;
function edit(dir: string, file: string, change: (v: Raw) => void): void {
  const path = join(dir, file);
  const value = JSON.parse(readFileSync(path, 'utf8')) as Raw;
  change(value);
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

const dirOf = (id: string): string => `policies/${id}/1.0.0`;

describe('parmana policy compile (real binary)', { timeout: 60_000 }, () => {
  it.each(SHIPPED)('%s: exit 0, prints the canonical compiled JSON with its policyHash', (id) => {
    const r = parmana(workspace(), 'policy', 'compile', dirOf(id));
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const text = r.out.replace(/\n$/, '');
    const compiled = JSON.parse(text) as Raw;
    // Canonical: re-canonicalising the printed value gives the printed text back.
    expect(canonicalize(compiled)).toBe(text);
    const { policyHash, ...body } = compiled;
    expect(policyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(policyHash).toBe(hashCanonical(body));
    expect(body.policyId).toBe(id);
  });

  it('is deterministic: reformatting and reordering the policy file does not change a byte of the output', () => {
    const dir = workspace();
    const before = parmana(dir, 'policy', 'compile', dirOf('loan-approval'));
    edit(dir, `${dirOf('loan-approval')}/policy.json`, (p) => {
      const entries = Object.entries(p).reverse();
      for (const key of Object.keys(p)) Reflect.deleteProperty(p, key);
      Object.assign(p, Object.fromEntries(entries));
    });
    const after = parmana(dir, 'policy', 'compile', dirOf('loan-approval'));
    expect(after.code).toBe(0);
    expect(after.out).toBe(before.out);
  });

  it('a condition on an undeclared signal: exit 1 with POL-020 error and its exact path on stderr', () => {
    const dir = workspace();
    edit(dir, `${dirOf('loan-approval')}/policy.json`, (p) => {
      const rules = p.rules as Raw[];
      rules[0] = { ...rules[0], condition: { signal: 'shoe_size', less_than: 580 } };
    });
    const r = parmana(dir, 'policy', 'compile', dirOf('loan-approval'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('POL-020 error $.rules[0].condition.signal');
    expect(r.err).toMatch(/^POL-020 error \$\.rules\[0\]\.condition\.signal: .*shoe_size/m);
    expect(r.out).toBe('');
  });

  it('no catch-all rule: warning POL-031 on stderr, exit 0, compiled output still printed', () => {
    const dir = workspace();
    edit(dir, `${dirOf('refund-approval')}/policy.json`, (p) => {
      (p.rules as unknown[]).pop();
    });
    const r = parmana(dir, 'policy', 'compile', dirOf('refund-approval'));
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^POL-031 warning \$\.rules: /m);
    expect(r.err).not.toMatch(/ error /);
    const compiled = JSON.parse(r.out) as { rules: { id: string }[] };
    expect(compiled.rules.map((x) => x.id)).not.toContain('default-approve');
  });

  it('a missing folder: exit 1 with POL-041', () => {
    const r = parmana(workspace(), 'policy', 'compile', 'policies/nope/1.0.0');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/POL-041/);
  });
});

describe('parmana policy test (real binary)', { timeout: 60_000 }, () => {
  it.each(SHIPPED)('%s: every case passes, exit 0 and "10 passed, 0 failed"', (id) => {
    const r = parmana(workspace(), 'policy', 'test', dirOf(id));
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines.at(-1)).toBe('10 passed, 0 failed');
    expect(lines.filter((l) => l.startsWith('PASS '))).toHaveLength(10);
    expect(lines.filter((l) => l.startsWith('FAIL '))).toEqual([]);
  });

  it('a wrong expectation: exit 1 with a FAIL line naming the case, expected and got', () => {
    const dir = workspace();
    let name = '';
    edit(dir, `${dirOf('agent-action-gate')}/tests.json`, (t) => {
      const first = (t.cases as Raw[])[0] as Raw & { expect: Raw };
      name = first.name as string;
      first.expect = { ...first.expect, action: 'definitely_not_this' };
    });
    const r = parmana(dir, 'policy', 'test', dirOf('agent-action-gate'));
    expect(r.code).toBe(1);
    const fail = r.out.split('\n').filter((l) => l.startsWith('FAIL '));
    expect(fail).toHaveLength(1);
    expect(fail[0]).toContain(`FAIL ${name}: expected `);
    expect(fail[0]).toContain('definitely_not_this');
    expect(fail[0]).toContain(', got ');
    expect(r.out.trim().split('\n').at(-1)).toBe('9 passed, 1 failed');
  });

  it('a broken policy stops before any case runs', () => {
    const dir = workspace();
    edit(dir, `${dirOf('loan-approval')}/policy.json`, (p) => {
      const rules = p.rules as Raw[];
      rules[0] = { ...rules[0], condition: { signal: 'shoe_size', less_than: 580 } };
    });
    const r = parmana(dir, 'policy', 'test', dirOf('loan-approval'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('POL-020 error $.rules[0].condition.signal');
    expect(r.out).not.toMatch(/PASS|FAIL/);
  });
});

describe('parmana usage errors (real binary)', { timeout: 60_000 }, () => {
  it('an unknown command exits 2 with usage on stderr', () => {
    const r = parmana(workspace(), 'policy', 'frobnicate', dirOf('loan-approval'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown command');
    expect(r.err).toContain('Usage:');
    expect(r.out).toBe('');
  });

  it('a missing policy folder argument exits 2', () => {
    const r = parmana(workspace(), 'policy', 'compile');
    expect(r.code).toBe(2);
    expect(r.err).toContain('missing policy folder');
  });
});
