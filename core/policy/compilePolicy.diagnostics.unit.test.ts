import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../canonical/canonicalize.js';
import { POL_CODES } from '../errors/codes/pol.js';
import { compilePolicy, type CompileOptions } from './compilePolicy.js';

// One test per diagnostic code the compiler emits (code, severity, exact JSON path), determinism under key
// reordering at every level, and robustness against structural mutations of a valid policy.

type Raw = Record<string, unknown>;
const SHIPPED = ['loan-approval', 'refund-approval', 'agent-action-gate'];
const load = (id: string): Raw =>
  JSON.parse(readFileSync(new URL(`../../policies/${id}/1.0.0/policy.json`, import.meta.url), 'utf8')) as Raw;

const OUTCOME = { action: 'approve', requires_override: false, reason: 'r' };

function valid(): Raw {
  return {
    policyId: 'demo',
    policyVersion: '1.2.3',
    schemaVersion: '1.0.0',
    signalsSchema: {
      amount: { type: 'number', minimum: 0 },
      count: { type: 'integer' },
      tier: { type: 'enum', values: ['gold', 'silver'] },
      flag: { type: 'boolean', required: false },
      note: { type: 'string', maxLength: 10 },
    },
    rules: [
      { id: 'first', condition: { signal: 'amount', greater_than: 10 }, outcome: OUTCOME },
      { id: 'catch-all', condition: { all: [] }, outcome: { ...OUTCOME, action: 'reject' } },
    ],
  };
}

/** A valid policy with one change applied. */
function variant(change: (p: Raw & { rules: Raw[]; signalsSchema: Raw }) => void): Raw {
  const p = valid() as Raw & { rules: Raw[]; signalsSchema: Raw };
  change(p);
  return p;
}

const withCondition = (condition: unknown): Raw =>
  variant((p) => {
    p.rules[0] = { id: 'first', condition, outcome: OUTCOME };
  });

interface Case {
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly path: string;
  readonly raw: unknown;
  readonly options?: CompileOptions;
}

const CASES: readonly Case[] = [
  { code: 'POL-001', severity: 'error', path: '$', raw: [] },
  { code: 'POL-002', severity: 'error', path: '$.owner', raw: variant((p) => (p.owner = 'me')) },
  {
    code: 'POL-003',
    severity: 'error',
    path: '$.signalsSchema',
    raw: variant((p) => {
      Reflect.deleteProperty(p, 'signalsSchema');
      p.rules = [{ id: 'catch-all', condition: { all: [] }, outcome: OUTCOME }];
    }),
  },
  {
    code: 'POL-004',
    severity: 'error',
    path: '$.policyId',
    raw: valid(),
    options: { expectedPolicyId: 'elsewhere' },
  },
  { code: 'POL-005', severity: 'error', path: '$.policyVersion', raw: variant((p) => (p.policyVersion = '1.2')) },
  { code: 'POL-006', severity: 'error', path: '$.schemaVersion', raw: variant((p) => (p.schemaVersion = 1)) },
  {
    code: 'POL-007',
    severity: 'error',
    path: '$.signalsSchema.note.maxLength',
    raw: variant((p) => (p.signalsSchema.note = { type: 'string', maxLength: -1 })),
  },
  {
    code: 'POL-008',
    severity: 'error',
    path: '$.signalsSchema.tier.values',
    raw: variant((p) => {
      p.signalsSchema.tier = { type: 'enum', values: [] };
      p.rules = [{ id: 'catch-all', condition: { all: [] }, outcome: OUTCOME }];
    }),
  },
  { code: 'POL-010', severity: 'error', path: '$.rules', raw: variant((p) => (p.rules = [])) },
  {
    code: 'POL-011',
    severity: 'error',
    path: '$.rules[1].id',
    raw: variant((p) => {
      const second = p.rules[1] as Raw;
      p.rules[1] = { ...second, id: 'first' };
    }),
  },
  {
    code: 'POL-012',
    severity: 'error',
    path: '$.rules[0].outcome',
    raw: variant((p) => {
      p.rules[0] = { id: 'first', condition: { all: [] }, outcome: { action: 'reject', reason: 'r' } };
    }),
  },
  {
    code: 'POL-013',
    severity: 'error',
    path: '$.rules[0].id',
    raw: variant((p) => {
      p.rules[0] = { id: '', condition: { all: [] }, outcome: OUTCOME };
    }),
  },
  {
    code: 'POL-020',
    severity: 'error',
    path: '$.rules[0].condition.any[1].signal',
    raw: withCondition({
      any: [
        { signal: 'count', equals: 1 },
        { signal: 'ghost', equals: 1 },
      ],
    }),
  },
  {
    code: 'POL-021',
    severity: 'error',
    path: '$.rules[0].condition.all[0].matches',
    raw: withCondition({ all: [{ signal: 'note', matches: 'a.*' }] }),
  },
  {
    code: 'POL-022',
    severity: 'error',
    path: '$.rules[0].condition.not.less_than_or_equal',
    raw: withCondition({ not: { signal: 'tier', less_than_or_equal: 'gold' } }),
  },
  {
    code: 'POL-023',
    severity: 'error',
    path: '$.rules[0].condition.in[2]',
    raw: withCondition({ signal: 'count', in: [1, 2, 3.5] }),
  },
  {
    code: 'POL-024',
    severity: 'error',
    path: '$.rules[0].condition.not_equals',
    raw: withCondition({ signal: 'tier', not_equals: 'bronze' }),
  },
  {
    code: 'POL-025',
    severity: 'error',
    path: '$.rules[0].condition.all[0]',
    raw: withCondition({ all: [{ signal: 'count' }] }),
  },
  {
    code: 'POL-030',
    severity: 'warning',
    path: '$.rules[2]',
    raw: variant((p) => {
      p.rules.push({ id: 'never', condition: { signal: 'count', equals: 1 }, outcome: OUTCOME });
    }),
  },
  {
    code: 'POL-031',
    severity: 'warning',
    path: '$.rules',
    raw: variant((p) => {
      p.rules.pop();
    }),
  },
];

describe('compilePolicy diagnostics: one per code', () => {
  it.each(CASES.map((c) => [c.code, c] as const))('%s', (_code, c) => {
    const result = compilePolicy(c.raw, c.options);
    expect(result.diagnostics.map((d) => ({ code: d.code, severity: d.severity, path: d.path }))).toEqual([
      { code: c.code, severity: c.severity, path: c.path },
    ]);
    const [d] = result.diagnostics;
    expect(d?.message.startsWith(POL_CODES[c.code as keyof typeof POL_CODES].message)).toBe(true);
    // Errors withhold the compiled form; warnings alone do not.
    expect(result.policy === undefined).toBe(c.severity === 'error');
  });

  it('the table covers every POL code the compiler can emit', () => {
    const source = readFileSync(new URL('./compilePolicy.ts', import.meta.url), 'utf8');
    const emitted = [...new Set([...source.matchAll(/'(POL-\d{3})'/g)].map((m) => m[1]))].sort();
    expect(emitted.length).toBeGreaterThan(15);
    expect(CASES.map((c) => c.code).sort()).toEqual(emitted);
  });

  it('the valid base policy has no diagnostics at all', () => {
    const result = compilePolicy(valid(), { expectedPolicyId: 'demo', expectedVersion: '1.2.3' });
    expect(result.diagnostics).toEqual([]);
    expect(result.policy?.rules.map((r) => r.id)).toEqual(['first', 'catch-all']);
  });

  it('paths of odd keys are quoted and truncated, never raw', () => {
    const long = 'k'.repeat(100);
    const paths = compilePolicy(variant((p) => (p[`${long} x`] = 1))).diagnostics.map((d) => d.path);
    expect(paths).toEqual([`$[${JSON.stringify(`${long} x`.slice(0, 64))}]`]);
    expect(compilePolicy(variant((p) => (p.signalsSchema['a-b'] = { type: 'integer' }))).diagnostics).toEqual([
      expect.objectContaining({ code: 'POL-007', path: '$.signalsSchema["a-b"]' }),
    ]);
  });
});

describe('compilePolicy diagnostics: signal declarations that cannot be satisfied or are ambiguous', () => {
  const codesOf = (raw: unknown): string[] =>
    compilePolicy(raw).diagnostics.map((d) => `${d.code} ${d.severity} ${d.path}`);
  const onlyCatchAll = (p: Raw & { rules: Raw[] }): void => {
    p.rules = [{ id: 'catch-all', condition: { all: [] }, outcome: OUTCOME }];
  };

  it('POL-008: enum values equal after NFC normalisation are duplicates', () => {
    for (const values of [
      ['caf\u00e9', 'cafe\u0301'],
      ['gold', '\u00c5', 'A\u030a'],
      ['\u212b', '\u00c5'], // ANGSTROM SIGN normalises to LATIN CAPITAL LETTER A WITH RING ABOVE
    ]) {
      const raw = variant((p) => {
        p.signalsSchema.tier = { type: 'enum', values };
        onlyCatchAll(p);
      });
      expect(codesOf(raw), JSON.stringify(values)).toEqual(['POL-008 error $.signalsSchema.tier.values']);
      expect(compilePolicy(raw).policy).toBeUndefined();
    }
    // Distinct after normalisation: accepted, and stored in NFC.
    const ok = compilePolicy(
      variant((p) => {
        p.signalsSchema.tier = { type: 'enum', values: ['cafe\u0301', 'cafe'] };
        onlyCatchAll(p);
      }),
    );
    expect(ok.diagnostics).toEqual([]);
    expect(ok.policy?.signalsSchema.tier?.values).toEqual(['caf\u00e9', 'cafe']);
  });

  it('POL-007: minimum greater than maximum on a number or integer signal', () => {
    for (const type of ['number', 'integer']) {
      const raw = variant((p) => (p.signalsSchema.amount = { type, minimum: 10, maximum: 9.5 }));
      expect(codesOf(raw), type).toEqual(['POL-007 error $.signalsSchema.amount.minimum']);
      const [d] = compilePolicy(raw).diagnostics;
      expect(d?.message).toBe(`${POL_CODES['POL-007'].message}: minimum 10 is greater than maximum 9.5`);
    }
    // Equal bounds admit exactly one value; a bound alone is fine; negative ranges are ordered numerically.
    for (const bounds of [
      { minimum: 5, maximum: 5 },
      { minimum: -10, maximum: -2 },
      { minimum: 1e9 },
      { maximum: -1e9 },
    ]) {
      const raw = variant((p) => (p.signalsSchema.amount = { type: 'number', ...bounds }));
      expect(codesOf(raw), JSON.stringify(bounds)).toEqual([]);
    }
    expect(codesOf(variant((p) => (p.signalsSchema.amount = { type: 'number', minimum: -2, maximum: -10 })))).toEqual([
      'POL-007 error $.signalsSchema.amount.minimum',
    ]);
  });
});

describe('compilePolicy: shipped policies', () => {
  it.each(SHIPPED)('%s compiles with no diagnostics against its folder', (id) => {
    const result = compilePolicy(load(id), { expectedPolicyId: id, expectedVersion: '1.0.0' });
    expect(result.diagnostics).toEqual([]);
    expect(result.policy?.policyId).toBe(id);
    expect(result.policy?.rules.at(-1)?.condition).toEqual({ all: [] });
  });
});

/** The same JSON value with every object's keys in another order (at every level), chosen by a seed. */
function reorder(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v, i) => reorder(v, seed + i));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  const n = entries.length;
  const order = entries.map((_, i) => entries[(i * (2 * seed + 1) + seed) % n] as [string, unknown]);
  const distinct = new Set(order.map(([k]) => k)).size === n ? order : [...entries].reverse();
  return Object.fromEntries(distinct.map(([k, v]) => [k, reorder(v, seed + 1)]));
}

describe('compilePolicy: determinism', () => {
  it.each(SHIPPED)('%s: the same policyHash and canonical bytes for any key order at any depth', (id) => {
    const raw = load(id);
    const reference = compilePolicy(raw).policy;
    expect(reference?.policyHash).toMatch(/^[0-9a-f]{64}$/);
    fc.assert(
      fc.property(fc.nat({ max: 10_000 }), (seed) => {
        const again = compilePolicy(reorder(raw, seed)).policy;
        expect(again?.policyHash).toBe(reference?.policyHash);
        expect(canonicalize(again)).toBe(canonicalize(reference));
      }),
      { numRuns: 100 },
    );
  });

  it('compiling twice gives identical output, and the hash changes with the rule order', () => {
    const raw = load('refund-approval');
    expect(canonicalize(compilePolicy(raw))).toBe(canonicalize(compilePolicy(raw)));
    const rules = raw.rules as unknown[];
    const swapped = { ...raw, rules: [rules[1], rules[0], ...rules.slice(2)] };
    expect(compilePolicy(swapped).policy?.policyHash).not.toBe(compilePolicy(raw).policy?.policyHash);
  });
});

/** Replaces, deletes or adds something at a random place inside a JSON value. */
function mutate(value: unknown, path: readonly number[], replacement: unknown, mode: number): unknown {
  if (typeof value !== 'object' || value === null) return replacement;
  const isArray = Array.isArray(value);
  const entries: [string, unknown][] = Object.entries(value);
  if (entries.length === 0 || path.length === 0) {
    if (mode === 0) return replacement;
    if (isArray) return [...(value as unknown[]), replacement];
    return { ...(value as Raw), [`extra${mode}`]: replacement };
  }
  const [head = 0, ...rest] = path;
  const index = head % entries.length;
  if (rest.length === 0 && mode === 1) {
    const kept = entries.filter((_, i) => i !== index);
    return isArray ? kept.map(([, v]) => v) : Object.fromEntries(kept);
  }
  const changed = entries.map(([k, v], i): [string, unknown] => [
    k,
    i === index ? mutate(v, rest, replacement, mode) : v,
  ]);
  return isArray ? changed.map(([, v]) => v) : Object.fromEntries(changed);
}

describe('compilePolicy: hostile input never throws', () => {
  const check = (raw: unknown): void => {
    const result = compilePolicy(raw);
    const hasError = result.diagnostics.some((d) => d.severity === 'error');
    expect(result.policy === undefined).toBe(hasError);
    for (const d of result.diagnostics) {
      expect(Object.hasOwn(POL_CODES, d.code)).toBe(true);
      expect(d.path.startsWith('$')).toBe(true);
      expect(d.path.length).toBeLessThan(2000);
    }
    if (result.policy !== undefined) expect(() => canonicalize(result.policy)).not.toThrow();
  };

  it('fc.anything() and fc.jsonValue()', () => {
    fc.assert(fc.property(fc.oneof(fc.anything(), fc.jsonValue()), check), { numRuns: 1000 });
  });

  it.each(SHIPPED)('mutations at any depth of %s', (id) => {
    const raw = load(id);
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { minLength: 0, maxLength: 8 }),
        fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.anything({ maxDepth: 2 })),
        fc.nat({ max: 2 }),
        (path, replacement, mode) => {
          check(mutate(raw, path, replacement, mode));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
