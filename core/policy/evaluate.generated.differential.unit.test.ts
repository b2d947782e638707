import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateSignals } from '../signals/validateSignals.js';
import { compilePolicy } from './compilePolicy.js';
import { evaluate } from './evaluate.js';

// Complements evaluate.differential.unit.test.ts (shipped policies): here the POLICIES are generated too — random
// condition trees over every operator and signal type, including an optional signal that may be absent — and a
// naive interpreter of the raw JSON is compared with evaluate(compilePolicy(raw)).

type Raw = Record<string, unknown>;

const SCHEMA = {
  i: { type: 'integer', minimum: -5, maximum: 5 },
  x: { type: 'number' },
  b: { type: 'boolean' },
  s: { type: 'string' },
  e: { type: 'enum', values: ['red', 'green', 'blue'] },
  o: { type: 'integer', required: false },
} as const;

const ORDER_OPS = ['greater_than', 'greater_than_or_equal', 'less_than', 'less_than_or_equal'] as const;
const EQ_OPS = ['equals', 'not_equals'] as const;

const intLit = fc.integer({ min: -6, max: 6 });
const numLit = fc.constantFrom(-1.5, -0, 0, 0.1, 1, 2.5);
const strLit = fc.constantFrom('', 'a', 'b', 'é');
const enumLit = fc.constantFrom('red', 'green', 'blue');

const leaf: fc.Arbitrary<Raw> = fc.oneof(
  ...(['i', 'o'] as const).map((signal) =>
    fc.oneof(
      fc.record({ op: fc.constantFrom(...ORDER_OPS, ...EQ_OPS), v: intLit }).map(({ op, v }) => ({ signal, [op]: v })),
      fc.array(intLit, { minLength: 1, maxLength: 3 }).map((v) => ({ signal, in: v })),
    ),
  ),
  fc.record({ op: fc.constantFrom(...ORDER_OPS, ...EQ_OPS), v: numLit }).map(({ op, v }) => ({ signal: 'x', [op]: v })),
  fc.record({ op: fc.constantFrom(...EQ_OPS), v: fc.boolean() }).map(({ op, v }) => ({ signal: 'b', [op]: v })),
  fc.record({ op: fc.constantFrom(...EQ_OPS), v: strLit }).map(({ op, v }) => ({ signal: 's', [op]: v })),
  fc.array(strLit, { minLength: 1, maxLength: 3 }).map((v) => ({ signal: 's', in: v })),
  fc.record({ op: fc.constantFrom(...EQ_OPS), v: enumLit }).map(({ op, v }) => ({ signal: 'e', [op]: v })),
  fc.array(enumLit, { minLength: 1, maxLength: 3 }).map((v) => ({ signal: 'e', in: v })),
);

const condition: fc.Arbitrary<Raw> = fc.letrec<{ c: Raw }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('c'), { maxLength: 3 }).map((all) => ({ all })),
    fc.array(tie('c'), { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
    tie('c').map((not) => ({ not })),
  ),
})).c;

const policy: fc.Arbitrary<Raw> = fc
  .tuple(fc.array(condition, { minLength: 1, maxLength: 5 }), fc.boolean())
  .map(([conditions, catchAll]) => ({
    policyId: 'generated',
    policyVersion: '1.0.0',
    schemaVersion: '1.0.0',
    signalsSchema: SCHEMA,
    rules: [
      ...conditions.map((c, n) => ({
        id: `r${n}`,
        condition: c,
        outcome: { action: `a${n}`, requires_override: n % 2 === 0, reason: '' },
      })),
      ...(catchAll
        ? [
            {
              id: 'last',
              condition: { all: [] },
              outcome: { action: 'fallback', requires_override: false, reason: '' },
            },
          ]
        : []),
    ],
  }));

const signals: fc.Arbitrary<Raw> = fc.record(
  {
    i: fc.integer({ min: -5, max: 5 }),
    x: fc.oneof(numLit, fc.double({ min: -3, max: 3, noNaN: true })),
    b: fc.boolean(),
    // "e" + combining acute: equal to the literal "é" only after NFC.
    s: fc.constantFrom('', 'a', 'b', 'é', 'e\u0301', 'c'),
    e: enumLit,
    o: fc.integer({ min: -6, max: 6 }),
  },
  { requiredKeys: ['i', 'x', 'b', 's', 'e'] },
);

/** The oracle: reads the raw JSON condition directly; strings compared after NFC, absent signal => false. */
function naive(cond: Raw, s: Raw): boolean {
  if ('all' in cond) return (cond.all as Raw[]).every((c) => naive(c, s));
  if ('any' in cond) return (cond.any as Raw[]).some((c) => naive(c, s));
  if ('not' in cond) return !naive(cond.not as Raw, s);
  const name = cond.signal as string;
  if (!(name in s)) return false;
  const norm = (v: unknown): unknown => (typeof v === 'string' ? v.normalize('NFC') : v);
  const actual = norm(s[name]);
  const [op, expected] = Object.entries(cond).find(([k]) => k !== 'signal') as [string, unknown];
  switch (op) {
    case 'equals':
      return actual === norm(expected);
    case 'not_equals':
      return actual !== norm(expected);
    case 'in':
      return (expected as unknown[]).map(norm).some((v) => v === actual);
    case 'greater_than':
      return (actual as number) > (expected as number);
    case 'greater_than_or_equal':
      return (actual as number) >= (expected as number);
    case 'less_than':
      return (actual as number) < (expected as number);
    case 'less_than_or_equal':
      return (actual as number) <= (expected as number);
    default:
      throw new Error(`oracle: unknown operator ${op}`);
  }
}

function naiveDecide(raw: Raw, s: Raw): { ruleId: string; action: string; requires_override: boolean } | 'none' {
  for (const rule of raw.rules as Raw[]) {
    if (naive(rule.condition as Raw, s)) {
      const o = rule.outcome as Raw;
      return {
        ruleId: rule.id as string,
        action: o.action as string,
        requires_override: o.requires_override as boolean,
      };
    }
  }
  return 'none';
}

describe('evaluate(compilePolicy(raw)) agrees with a naive interpreter of raw on generated policies', () => {
  it('first match wins, absent optional signals compare false, strings compare after NFC', () => {
    let decided = 0;
    let unmatched = 0;
    fc.assert(
      fc.property(policy, fc.array(signals, { minLength: 1, maxLength: 8 }), (raw, batch) => {
        const { policy: compiled, diagnostics } = compilePolicy(raw);
        expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        if (compiled === undefined) throw new Error('generated policy did not compile');
        for (const s of batch) {
          const v = validateSignals(compiled.signalsSchema, s);
          if (!v.ok) throw new Error(`generated signals refused: ${v.errors.map((e) => e.message).join('; ')}`);
          const want = naiveDecide(raw, s);
          if (want === 'none') {
            unmatched++;
            expect(() => evaluate(compiled, v.signals)).toThrow(/POL-040/);
          } else {
            decided++;
            const got = evaluate(compiled, v.signals);
            expect({ ruleId: got.ruleId, action: got.action, requires_override: got.requires_override }).toEqual(want);
          }
        }
      }),
      { numRuns: 1500 },
    );
    // Both branches were exercised.
    expect(decided).toBeGreaterThan(100);
    expect(unmatched).toBeGreaterThan(10);
  });
});
