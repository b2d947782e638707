import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicy } from './compilePolicy.js';

const SHIPPED = ['loan-approval', 'refund-approval', 'agent-action-gate'];
const load = (id: string): Record<string, unknown> =>
  JSON.parse(readFileSync(`policies/${id}/1.0.0/policy.json`, 'utf8')) as Record<string, unknown>;

const base = (): Record<string, unknown> => ({
  policyId: 'p',
  policyVersion: '1.0.0',
  schemaVersion: '1.0.0',
  signalsSchema: {
    n: { type: 'integer' },
    s: { type: 'string' },
    e: { type: 'enum', values: ['a', 'b'] },
    f: { type: 'boolean' },
  },
  rules: [
    {
      id: 'r1',
      condition: { signal: 'n', greater_than: 5 },
      outcome: { action: 'approve', requires_override: false, reason: 'big' },
    },
    { id: 'default', condition: { all: [] }, outcome: { action: 'reject', requires_override: false, reason: 'else' } },
  ],
});

function withRule(condition: unknown): Record<string, unknown> {
  const p = base();
  (p.rules as Record<string, unknown>[])[0] = {
    id: 'r1',
    condition,
    outcome: { action: 'approve', requires_override: false, reason: 'x' },
  };
  return p;
}

const diag = (raw: unknown): string[] => compilePolicy(raw).diagnostics.map((d) => `${d.code} ${d.severity} ${d.path}`);

describe('compilePolicy', () => {
  it.each(SHIPPED)('compiles the shipped %s policy without diagnostics', (id) => {
    const result = compilePolicy(load(id), { expectedPolicyId: id, expectedVersion: '1.0.0' });
    expect(result.diagnostics).toEqual([]);
    expect(result.policy?.policyHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is deterministic: key order of the input does not change the compiled form', () => {
    const raw = load('loan-approval');
    const reordered = Object.fromEntries(Object.entries(raw).reverse());
    expect(compilePolicy(reordered).policy).toEqual(compilePolicy(raw).policy);
  });

  it('reports each problem with its code and JSON path', () => {
    expect(diag(null)).toEqual(['POL-001 error $']);
    expect(diag({ ...base(), extra: 1 })).toEqual(['POL-002 error $.extra']);
    expect(compilePolicy(base(), { expectedPolicyId: 'other' }).diagnostics.map((d) => d.code)).toEqual(['POL-004']);
    expect(diag({ ...base(), policyVersion: '1.0' })).toEqual(['POL-005 error $.policyVersion']);
    expect(diag({ ...base(), schemaVersion: '2.0.0' })).toEqual(['POL-006 error $.schemaVersion']);
    expect(diag({ ...base(), signalsSchema: { n: { type: 'decimal' } } })).toContain(
      'POL-007 error $.signalsSchema.n.type',
    );
    expect(
      diag({
        ...base(),
        signalsSchema: { ...(base().signalsSchema as object), e: { type: 'enum', values: ['a', 'a'] } },
      }),
    ).toEqual(['POL-008 error $.signalsSchema.e.values']);
    expect(diag({ ...base(), rules: [] })).toEqual(['POL-010 error $.rules']);
    const dup = base();
    (dup.rules as Record<string, unknown>[]).unshift({
      id: 'default',
      condition: { signal: 'f', equals: true },
      outcome: { action: 'approve', requires_override: false, reason: 'x' },
    });
    expect(diag(dup)).toEqual(['POL-011 error $.rules[2].id']);
    const badOutcome = base();
    (badOutcome.rules as Record<string, unknown>[])[0] = {
      id: 'r1',
      condition: { all: [] },
      outcome: { action: 'Approve!', requires_override: 'no', reason: 1 },
    };
    expect(diag(badOutcome)).toContain('POL-012 error $.rules[0].outcome');
    expect(diag(withRule({ signal: 'missing', equals: 1 }))).toEqual(['POL-020 error $.rules[0].condition.signal']);
    expect(diag(withRule({ signal: 'n', between: [1, 2] }))).toEqual(['POL-021 error $.rules[0].condition.between']);
    expect(diag(withRule({ signal: 's', greater_than: 'a' }))).toEqual([
      'POL-022 error $.rules[0].condition.greater_than',
    ]);
    expect(diag(withRule({ signal: 'n', equals: '5' }))).toEqual(['POL-023 error $.rules[0].condition.equals']);
    expect(diag(withRule({ signal: 'n', equals: 2 ** 60 }))).toEqual(['POL-023 error $.rules[0].condition.equals']);
    expect(diag(withRule({ any: [{ signal: 'e', in: ['a', 'z'] }] }))).toEqual([
      'POL-024 error $.rules[0].condition.any[0].in[1]',
    ]);
    expect(diag(withRule({ all: [], any: [] }))).toEqual(['POL-025 error $.rules[0].condition']);
    expect(diag(withRule({ not: { signal: 'n', equals: 1, less_than: 3 } }))).toEqual([
      'POL-025 error $.rules[0].condition.not',
    ]);
  });

  it('warns about rules after a catch-all and a missing catch-all, but still compiles', () => {
    const after = base();
    (after.rules as Record<string, unknown>[]).push({
      id: 'late',
      condition: { signal: 'f', equals: true },
      outcome: { action: 'approve', requires_override: false, reason: 'x' },
    });
    const r1 = compilePolicy(after);
    expect(r1.diagnostics.map((d) => `${d.code} ${d.severity} ${d.path}`)).toEqual(['POL-030 warning $.rules[2]']);
    expect(r1.policy).toBeDefined();
    const none = base();
    (none.rules as unknown[]).pop();
    const r2 = compilePolicy(none);
    expect(r2.diagnostics.map((d) => `${d.code} ${d.severity} ${d.path}`)).toEqual(['POL-031 warning $.rules']);
    expect(r2.policy).toBeDefined();
  });

  it('never throws on hostile input', () => {
    const valid = load('refund-approval');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.jsonValue(),
          fc
            .record({ key: fc.constantFrom(...Object.keys(valid)), value: fc.jsonValue() })
            .map(({ key, value }) => ({ ...valid, [key]: value })),
        ),
        (raw) => {
          const result = compilePolicy(raw);
          expect(result.policy !== undefined || result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
