import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashCanonical } from '../hash/hashCanonical.js';
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

describe('compilePolicy: structure and declarations', () => {
  it('reports structural problems with their exact paths', () => {
    expect(diag({ ...base(), signalsSchema: [] })).toContain('POL-003 error $.signalsSchema');
    const notObjectRule = base();
    (notObjectRule.rules as unknown[])[0] = 'r1';
    expect(diag(notObjectRule)).toEqual(['POL-003 error $.rules[0]']);
    const badId = base();
    (badId.rules as Record<string, unknown>[])[0] = {
      ...(badId.rules as Record<string, unknown>[])[0],
      id: 'no spaces',
    };
    expect(diag(badId)).toEqual(['POL-013 error $.rules[0].id']);
    const extraRuleField = base();
    (extraRuleField.rules as Record<string, unknown>[])[1] = {
      ...(extraRuleField.rules as Record<string, unknown>[])[1],
      priority: 1,
    };
    expect(diag(extraRuleField)).toEqual(['POL-002 error $.rules[1].priority']);
    expect(diag({ ...base(), 'odd key': 1 })).toEqual(['POL-002 error $["odd key"]']);
    expect(diag({ ...base(), rules: {} })).toEqual(['POL-010 error $.rules']);
  });

  it('checks policyId and policyVersion against their folder and their form', () => {
    expect(diag({ ...base(), policyId: 'Bad_Id' })).toEqual(['POL-004 error $.policyId']);
    expect(diag({ ...base(), policyId: 7 })).toEqual(['POL-004 error $.policyId']);
    const wrongFolder = compilePolicy(base(), { expectedPolicyId: 'p', expectedVersion: '1.0.1' });
    expect(wrongFolder.diagnostics.map((d) => `${d.code} ${d.path}`)).toEqual(['POL-005 $.policyVersion']);
    expect(wrongFolder.policy).toBeUndefined();
    for (const v of ['01.0.0', '1.0.0.0', 'v1.0.0', '1.0.x'])
      expect(diag({ ...base(), policyVersion: v }), v).toEqual(['POL-005 error $.policyVersion']);
    expect(diag({ ...base(), policyVersion: '2.1.0-rc.1+build.5' })).toEqual([]);
  });

  it('checks each signal declaration', () => {
    const sig = (spec: unknown, name = 'n'): string[] => diag({ ...base(), signalsSchema: { [name]: spec } });
    expect(sig({ type: 'integer' }, '1bad')).toContain('POL-007 error $.signalsSchema["1bad"]');
    expect(sig({ type: 'integer' }, '__proto__')).toContain('POL-007 error $.signalsSchema.__proto__');
    expect(sig('integer')).toContain('POL-007 error $.signalsSchema.n');
    expect(sig({ type: 'integer', required: 'yes' })).toContain('POL-007 error $.signalsSchema.n.required');
    expect(sig({ type: 'string', minimum: 0 })).toContain('POL-007 error $.signalsSchema.n.minimum');
    expect(sig({ type: 'integer', maximum: '9' })).toContain('POL-007 error $.signalsSchema.n.maximum');
    expect(sig({ type: 'integer', maxLength: 3 })).toContain('POL-007 error $.signalsSchema.n.maxLength');
    expect(sig({ type: 'integer', values: ['a'] })).toContain('POL-007 error $.signalsSchema.n.values');
    expect(sig({ type: 'integer', unit: 'eur' })).toContain('POL-002 error $.signalsSchema.n.unit');
    for (const values of [undefined, [], ['a', 'a'], [1, 2], 'a'])
      expect(sig({ type: 'enum', values }, 'e'), JSON.stringify(values)).toContain(
        'POL-008 error $.signalsSchema.e.values',
      );
  });

  it('checks operators against signal types', () => {
    expect(diag(withRule({ signal: 'f', less_than: 1 }))).toEqual(['POL-022 error $.rules[0].condition.less_than']);
    expect(diag(withRule({ signal: 'e', greater_than_or_equal: 'a' }))).toEqual([
      'POL-022 error $.rules[0].condition.greater_than_or_equal',
    ]);
    expect(diag(withRule({ signal: 'n', in: 3 }))).toEqual(['POL-022 error $.rules[0].condition.in']);
    expect(diag(withRule({ signal: 'n', in: [] }))).toEqual(['POL-022 error $.rules[0].condition.in']);
    expect(diag(withRule({ signal: 'n', in: [1, '2'] }))).toEqual(['POL-023 error $.rules[0].condition.in[1]']);
    expect(diag(withRule({ signal: 'f', equals: 'true' }))).toEqual(['POL-023 error $.rules[0].condition.equals']);
    expect(diag(withRule({ signal: 'n', equals: 1.5 }))).toEqual(['POL-023 error $.rules[0].condition.equals']);
    expect(diag(withRule({ signal: 's', not_equals: 0 }))).toEqual(['POL-023 error $.rules[0].condition.not_equals']);
    expect(diag(withRule({ signal: 'e', equals: 'c' }))).toEqual(['POL-024 error $.rules[0].condition.equals']);
    expect(diag(withRule({ signal: 'n' }))).toEqual(['POL-025 error $.rules[0].condition']);
    expect(diag(withRule([]))).toEqual(['POL-025 error $.rules[0].condition']);
    expect(diag(withRule({ any: [] }))).toEqual(['POL-025 error $.rules[0].condition.any']);
    expect(diag(withRule({ all: {} }))).toEqual(['POL-025 error $.rules[0].condition.all']);
    let deep: unknown = { signal: 'n', equals: 1 };
    for (let i = 0; i < 40; i++) deep = { not: deep };
    expect(diag(withRule(deep))[0]).toMatch(/^POL-025 error \$\.rules\[0\]\.condition(\.not)+$/);
  });

  it('normalises the compiled form: defaults filled, descriptions dropped, strings NFC, hash over the rest', () => {
    const raw = base();
    raw.description = 'dropped';
    raw.signalsSchema = { e: { type: 'enum', values: ['e\u0301'], description: 'x' }, n: { type: 'integer' } };
    raw.rules = [
      {
        id: 'r1',
        description: 'dropped too',
        condition: { signal: 'e', in: ['e\u0301'] },
        outcome: { action: 'approve', requires_override: false, reason: 'caf\u0065\u0301' },
      },
      { id: 'd', condition: { all: [] }, outcome: { action: 'reject', requires_override: true, reason: '' } },
    ];
    const { policy } = compilePolicy(raw);
    if (policy === undefined) throw new Error('expected a compiled policy');
    const { policyHash, ...body } = policy;
    expect(body).toEqual({
      policyId: 'p',
      policyVersion: '1.0.0',
      schemaVersion: '1.0.0',
      signalsSchema: { e: { type: 'enum', values: ['é'], required: true }, n: { type: 'integer', required: true } },
      rules: [
        {
          id: 'r1',
          condition: { signal: 'e', op: 'in', value: ['é'] },
          outcome: { action: 'approve', requires_override: false, reason: 'café' },
        },
        { id: 'd', condition: { all: [] }, outcome: { action: 'reject', requires_override: true, reason: '' } },
      ],
    });
    expect(policyHash).toBe(hashCanonical(body));
    // Plain JSON: survives a JSON round trip unchanged.
    expect(JSON.parse(JSON.stringify(policy))).toEqual(policy);
  });

  it('a change in any rule changes the policyHash', () => {
    const a = compilePolicy(base()).policy;
    const changed = base();
    (changed.rules as Record<string, unknown>[])[0] = {
      id: 'r1',
      condition: { signal: 'n', greater_than: 6 },
      outcome: { action: 'approve', requires_override: false, reason: 'big' },
    };
    const b = compilePolicy(changed).policy;
    expect(a?.policyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(b?.policyHash).not.toBe(a?.policyHash);
  });
});
