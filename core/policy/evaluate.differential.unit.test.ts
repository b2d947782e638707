import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateSignals } from '../signals/validateSignals.js';
import { compilePolicy } from './compilePolicy.js';
import { evaluate } from './evaluate.js';
import type { CompiledPolicy, SignalSpec } from './Policy.js';
import { parsePolicyTests, runPolicyTests } from './runPolicyTests.js';

const SHIPPED = ['loan-approval', 'refund-approval', 'agent-action-gate'];
type Raw = Record<string, unknown>;
const readJson = (path: string): Raw => JSON.parse(readFileSync(path, 'utf8')) as Raw;

// An independent, deliberately naive interpreter of the RAW policy file (no compilation), used as the oracle.
function naiveMatch(cond: Raw, s: Raw): boolean {
  if (Array.isArray(cond.all)) return (cond.all as Raw[]).every((c) => naiveMatch(c, s));
  if (Array.isArray(cond.any)) return (cond.any as Raw[]).some((c) => naiveMatch(c, s));
  if (cond.not !== undefined) return !naiveMatch(cond.not as Raw, s);
  const v = s[cond.signal as string];
  if (v === undefined) return false;
  if ('equals' in cond) return v === cond.equals;
  if ('not_equals' in cond) return v !== cond.not_equals;
  if ('in' in cond) return (cond.in as unknown[]).includes(v);
  const n = v as number;
  if ('greater_than' in cond) return n > (cond.greater_than as number);
  if ('greater_than_or_equal' in cond) return n >= (cond.greater_than_or_equal as number);
  if ('less_than' in cond) return n < (cond.less_than as number);
  if ('less_than_or_equal' in cond) return n <= (cond.less_than_or_equal as number);
  throw new Error('unknown operator');
}

function naiveDecide(
  policy: Raw,
  signals: Raw,
): { action: string; ruleId: string; requires_override: boolean } | undefined {
  for (const rule of policy.rules as Raw[]) {
    if (naiveMatch(rule.condition as Raw, signals)) {
      const o = rule.outcome as Raw;
      return {
        action: o.action as string,
        ruleId: rule.id as string,
        requires_override: o.requires_override as boolean,
      };
    }
  }
  return undefined;
}

/** Every numeric literal the raw policy compares each signal with: the boundaries worth probing. */
function literalsBySignal(cond: unknown, out: Map<string, number[]>): Map<string, number[]> {
  if (typeof cond !== 'object' || cond === null) return out;
  if (Array.isArray(cond)) {
    for (const c of cond) literalsBySignal(c, out);
    return out;
  }
  const c = cond as Raw;
  if (typeof c.signal === 'string') {
    for (const [k, v] of Object.entries(c)) {
      if (k === 'signal') continue;
      for (const n of [v].flat()) if (typeof n === 'number') out.set(c.signal, [...(out.get(c.signal) ?? []), n]);
    }
  }
  for (const v of [c.all, c.any, c.not, c.condition]) literalsBySignal(v, out);
  return out;
}

function arbitrarySignals(schema: Readonly<Record<string, SignalSpec>>, raw: Raw): fc.Arbitrary<Raw> {
  const literals = literalsBySignal(raw.rules, new Map());
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, spec] of Object.entries(schema)) {
    const min = spec.minimum ?? -1e6;
    const max = spec.maximum ?? 1e6;
    const inRange = (n: number): boolean => n >= min && n <= max;
    const edges = (literals.get(name) ?? []).flatMap((n) => [n - 1, n - 0.01, n, n + 0.01, n + 1]);
    fields[name] =
      spec.type === 'integer'
        ? fc.oneof(
            fc.integer({ min: Math.ceil(min), max: Math.floor(max) }),
            fc.constantFrom(Math.ceil(min), Math.floor(max), ...edges.filter((n) => Number.isInteger(n) && inRange(n))),
          )
        : spec.type === 'number'
          ? fc.oneof(
              fc.double({ min, max, noNaN: true, noDefaultInfinity: true }),
              fc.constantFrom(min, max, ...edges.filter(inRange)),
            )
          : spec.type === 'boolean'
            ? fc.boolean()
            : spec.type === 'enum'
              ? fc.constantFrom(...(spec.values ?? ['x']))
              : fc.string();
  }
  return fc.record(fields);
}

describe.each(SHIPPED)('evaluator vs the naive interpreter on %s', (id) => {
  const raw = readJson(`policies/${id}/1.0.0/policy.json`);
  const compiled = compilePolicy(raw).policy as CompiledPolicy;
  const tests = parsePolicyTests(readJson(`policies/${id}/1.0.0/tests.json`));

  it('passes its own tests.json', () => {
    if ('error' in tests) throw new Error(tests.error);
    const results = runPolicyTests(compiled, tests.cases);
    expect(results.length).toBeGreaterThanOrEqual(8);
    expect(results.filter((r) => !r.passed)).toEqual([]);
  });

  it('agrees on every tests.json case and on generated signals', () => {
    const reached = new Set<string>();
    const decide = (signals: Raw): void => {
      const v = validateSignals(compiled.signalsSchema, signals);
      if (!v.ok) return;
      const got = evaluate(compiled, v.signals);
      reached.add(got.ruleId);
      expect({ action: got.action, ruleId: got.ruleId, requires_override: got.requires_override }).toEqual(
        naiveDecide(raw, v.signals),
      );
    };
    if ('error' in tests) throw new Error(tests.error);
    for (const c of tests.cases) decide(c.signals as Raw);
    fc.assert(fc.property(arbitrarySignals(compiled.signalsSchema, raw), decide), { numRuns: 2000 });
    // The comparison means something only if the inputs exercised every rule.
    expect([...reached].sort()).toEqual(compiled.rules.map((r) => r.id).sort());
  });
});

describe('evaluate', () => {
  it('raises POL-040 when no rule matches', () => {
    const p = compilePolicy({
      policyId: 'p',
      policyVersion: '1.0.0',
      schemaVersion: '1.0.0',
      signalsSchema: { n: { type: 'integer' } },
      rules: [
        {
          id: 'r',
          condition: { signal: 'n', equals: 1 },
          outcome: { action: 'approve', requires_override: false, reason: '' },
        },
      ],
    }).policy as CompiledPolicy;
    expect(evaluate(p, { n: 1 }).ruleId).toBe('r');
    expect(() => evaluate(p, { n: 2 })).toThrow(/POL-040/);
  });
});
