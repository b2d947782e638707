import { describe, expect, it } from 'vitest';
import { compilePolicy } from './compilePolicy.js';
import { evaluate, matches } from './evaluate.js';
import type { CompiledPolicy, Condition } from './Policy.js';

const outcome = (action: string) => ({ action, requires_override: false, reason: action });

function policyWith(rules: unknown[]): CompiledPolicy {
  const { policy, diagnostics } = compilePolicy({
    policyId: 'p',
    policyVersion: '1.0.0',
    schemaVersion: '1.0.0',
    signalsSchema: {
      n: { type: 'integer' },
      x: { type: 'number' },
      s: { type: 'string' },
      e: { type: 'enum', values: ['a', 'b', 'c'] },
      f: { type: 'boolean' },
      opt: { type: 'integer', required: false },
    },
    rules,
  });
  if (policy === undefined) throw new Error(JSON.stringify(diagnostics));
  return policy;
}

/** Compiles one condition and reports whether it matches the signals. */
function holds(condition: unknown, signals: Record<string, string | number | boolean>): boolean {
  const rule = policyWith([{ id: 'r', condition, outcome: outcome('yes') }]).rules[0];
  if (rule === undefined) throw new Error('no rule');
  return matches(rule.condition, signals);
}

const S = { n: 10, x: 2.5, s: 'hello', e: 'b', f: true };

describe('evaluate', () => {
  it.each([
    [{ signal: 'n', equals: 10 }, true],
    [{ signal: 'n', equals: 11 }, false],
    [{ signal: 'n', not_equals: 11 }, true],
    [{ signal: 'n', greater_than: 10 }, false],
    [{ signal: 'n', greater_than_or_equal: 10 }, true],
    [{ signal: 'n', less_than: 10 }, false],
    [{ signal: 'n', less_than_or_equal: 10 }, true],
    [{ signal: 'x', greater_than: 2.4999999 }, true],
    [{ signal: 'x', less_than: 2.5 }, false],
    [{ signal: 'n', in: [1, 10, 100] }, true],
    [{ signal: 'n', in: [1, 100] }, false],
    [{ signal: 's', equals: 'hello' }, true],
    [{ signal: 's', equals: 'Hello' }, false],
    [{ signal: 'e', in: ['a', 'b'] }, true],
    [{ signal: 'e', not_equals: 'b' }, false],
    [{ signal: 'f', equals: true }, true],
    [{ signal: 'f', not_equals: true }, false],
    [{ all: [] }, true],
    [
      {
        all: [
          { signal: 'n', equals: 10 },
          { signal: 'f', equals: false },
        ],
      },
      false,
    ],
    [
      {
        any: [
          { signal: 'n', equals: 1 },
          { signal: 'f', equals: true },
        ],
      },
      true,
    ],
    [{ not: { signal: 'n', equals: 10 } }, false],
    [{ not: { all: [] } }, false],
  ])('%j on the sample signals is %s', (condition, expected) => {
    expect(holds(condition, S)).toBe(expected);
  });

  it('compares integers exactly at the edge of the safe range', () => {
    const max = Number.MAX_SAFE_INTEGER;
    expect(holds({ signal: 'n', less_than: max }, { ...S, n: max - 1 })).toBe(true);
    expect(holds({ signal: 'n', less_than: max }, { ...S, n: max })).toBe(false);
    expect(holds({ signal: 'n', equals: -max }, { ...S, n: -max })).toBe(true);
  });

  it('never coerces between types', () => {
    // Unvalidated signals of the wrong type must not match: a string is never a number.
    expect(holds({ signal: 'n', equals: 10 }, { ...S, n: '10' })).toBe(false);
    expect(holds({ signal: 'n', greater_than: 5 }, { ...S, n: '10' })).toBe(false);
    expect(holds({ signal: 'f', equals: true }, { ...S, f: 1 })).toBe(false);
    expect(holds({ signal: 'n', in: [10] }, { ...S, n: '10' })).toBe(false);
  });

  it('treats an absent optional signal as matching no comparison', () => {
    expect(holds({ signal: 'opt', equals: 1 }, S)).toBe(false);
    expect(holds({ signal: 'opt', not_equals: 1 }, S)).toBe(false);
    expect(holds({ not: { signal: 'opt', equals: 1 } }, S)).toBe(true);
    expect(holds({ signal: 'opt', equals: 1 }, { ...S, opt: 1 })).toBe(true);
  });

  it('returns the first matching rule, naming it, and is deterministic', () => {
    const p = policyWith([
      { id: 'big', condition: { signal: 'n', greater_than: 5 }, outcome: outcome('first') },
      {
        id: 'bigger',
        condition: { signal: 'n', greater_than: 8 },
        outcome: { action: 'held', requires_override: true, reason: 'why' },
      },
      { id: 'default', condition: { all: [] }, outcome: outcome('fallback') },
    ]);
    expect(evaluate(p, S)).toEqual({ action: 'first', requires_override: false, reason: 'first', ruleId: 'big' });
    expect(evaluate(p, { ...S, n: 1 }).ruleId).toBe('default');
    expect(evaluate(p, S)).toEqual(evaluate(p, { ...S }));
    const reordered = policyWith([p.rules[1], p.rules[0], p.rules[2]].map(toRaw));
    expect(evaluate(reordered, S)).toEqual({
      action: 'held',
      requires_override: true,
      reason: 'why',
      ruleId: 'bigger',
    });
  });

  it('raises POL-040 naming the policy when no rule matches', () => {
    const p = policyWith([{ id: 'only', condition: { signal: 'f', equals: false }, outcome: outcome('x') }]);
    expect(() => evaluate(p, S)).toThrow(/POL-040 .* at \$\.rules: p@1\.0\.0/);
  });
});

/** Back from compiled to raw form, to rebuild a policy from compiled rules. */
function toRaw(rule: CompiledPolicy['rules'][number] | undefined): unknown {
  if (rule === undefined) throw new Error('no rule');
  const cond = (c: Condition): unknown =>
    'all' in c
      ? { all: c.all.map(cond) }
      : 'any' in c
        ? { any: c.any.map(cond) }
        : 'not' in c
          ? { not: cond(c.not) }
          : { signal: c.signal, [c.op]: c.value };
  return { id: rule.id, condition: cond(rule.condition), outcome: rule.outcome };
}
