import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compilePolicyDir, readJsonFile, readPolicyTests } from './readPolicyDir.js';

const SHIPPED = fileURLToPath(new URL('../../policies/refund-approval/1.0.0', import.meta.url));

/** A copy of a shipped policy at `<tmp>/policies/<id>/<version>`. */
function copyTo(id: string, version: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'parmana-policy-')), 'policies', id, version);
  mkdirSync(dir, { recursive: true });
  cpSync(join(SHIPPED, 'policy.json'), join(dir, 'policy.json'));
  cpSync(join(SHIPPED, 'tests.json'), join(dir, 'tests.json'));
  return dir;
}

describe('readPolicyDir', () => {
  it('compiles a policy folder whose id and version match the file', () => {
    const result = compilePolicyDir(copyTo('refund-approval', '1.0.0'));
    expect(result.diagnostics).toEqual([]);
    expect(result.policy?.policyId).toBe('refund-approval');
  });

  it('reports a folder that does not match the policy id or version', () => {
    const id = compilePolicyDir(copyTo('refunds', '1.0.0'));
    expect(id.diagnostics.map((d) => `${d.code} ${d.path}`)).toEqual(['POL-004 $.policyId']);
    expect(id.policy).toBeUndefined();
    const version = compilePolicyDir(copyTo('refund-approval', '2.0.0'));
    expect(version.diagnostics.map((d) => `${d.code} ${d.path}`)).toEqual(['POL-005 $.policyVersion']);
  });

  it('names the file when policy.json is missing, malformed or has duplicate keys', () => {
    const dir = copyTo('refund-approval', '1.0.0');
    const file = join(dir, 'policy.json');
    const text = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      text.replace('"schemaVersion": "1.0.0",', '"schemaVersion": "1.0.0", "schemaVersion": "1.0.0",'),
    );
    expect(() => compilePolicyDir(dir)).toThrow(/^POL-041 .* at .*policy\.json: CAN-003/);
    writeFileSync(file, text.slice(0, 50));
    expect(() => compilePolicyDir(dir)).toThrow(/^POL-041 .* at .*policy\.json: CAN-004/);
    expect(() => readJsonFile(join(dir, 'absent.json'))).toThrow(/^POL-041 .* at .*absent\.json/);
  });

  it('reads tests.json strictly, and refuses a folder without one', () => {
    const dir = copyTo('refund-approval', '1.0.0');
    expect((readPolicyTests(dir) as { cases: unknown[] }).cases.length).toBeGreaterThanOrEqual(8);
    const empty = join(mkdtempSync(join(tmpdir(), 'parmana-policy-')), 'x', '1.0.0');
    mkdirSync(empty, { recursive: true });
    expect(() => readPolicyTests(empty)).toThrow(/^POL-041 .* at .*tests\.json: no tests\.json/);
  });
});
