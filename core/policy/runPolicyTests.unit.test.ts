import { describe, expect, it } from 'vitest';
import { compilePolicy } from './compilePolicy.js';
import type { CompiledPolicy } from './Policy.js';
import { parsePolicyTests, runPolicyTests } from './runPolicyTests.js';

const compiled = compilePolicy({
  policyId: 'p',
  policyVersion: '1.0.0',
  schemaVersion: '1.0.0',
  signalsSchema: { n: { type: 'integer', minimum: 0 } },
  rules: [
    {
      id: 'big',
      condition: { signal: 'n', greater_than: 5 },
      outcome: { action: 'pending_override', requires_override: true, reason: 'big' },
    },
    {
      id: 'small',
      condition: { signal: 'n', less_than: 3 },
      outcome: { action: 'approve', requires_override: false, reason: 'small' },
    },
  ],
}).policy as CompiledPolicy;

describe('parsePolicyTests', () => {
  it('accepts cases with either an expectation or an expected error', () => {
    const parsed = parsePolicyTests({
      cases: [
        { name: 'a', signals: { n: 1 }, expect: { action: 'approve', ruleId: 'small' } },
        { name: 'b', signals: {}, expectError: 'VAL-005' },
      ],
    });
    expect('cases' in parsed && parsed.cases.map((c) => c.name)).toEqual(['a', 'b']);
  });

  it.each([
    [null, '$.cases must be an array'],
    [{ cases: {} }, '$.cases must be an array'],
    [{ cases: [{ signals: {} }] }, '$.cases[0].name must be a string'],
    [{ cases: [{ name: 'x', signals: {} }] }, '$.cases[0] needs exactly one of'],
    [{ cases: [{ name: 'x', signals: {}, expect: { action: 'a' } }] }, '$.cases[0] needs exactly one of'],
    [
      { cases: [{ name: 'x', signals: {}, expect: { action: 'a', ruleId: 'r' }, expectError: 'VAL-005' }] },
      '$.cases[0] needs exactly one of',
    ],
  ])('refuses %j', (raw, message) => {
    const parsed = parsePolicyTests(raw);
    expect('error' in parsed && parsed.error).toContain(message);
  });
});

describe('runPolicyTests', () => {
  const run = (c: unknown) => {
    const parsed = parsePolicyTests({ cases: [c] });
    if ('error' in parsed) throw new Error(parsed.error);
    const [result] = runPolicyTests(compiled, parsed.cases);
    if (result === undefined) throw new Error('no result');
    return result;
  };

  it('passes matching expectations, with or without requires_override', () => {
    expect(run({ name: 'a', signals: { n: 9 }, expect: { action: 'pending_override', ruleId: 'big' } })).toEqual({
      name: 'a',
      passed: true,
      detail: 'pending_override by big',
    });
    expect(
      run({
        name: 'b',
        signals: { n: 9 },
        expect: { action: 'pending_override', ruleId: 'big', requires_override: true },
      }).passed,
    ).toBe(true);
  });

  it('fails with expected and actual when the decision differs', () => {
    const wrongRule = run({ name: 'a', signals: { n: 1 }, expect: { action: 'approve', ruleId: 'big' } });
    expect(wrongRule.passed).toBe(false);
    expect(wrongRule.detail).toContain('got {"action":"approve","ruleId":"small","requires_override":false}');
    const wrongOverride = run({
      name: 'b',
      signals: { n: 9 },
      expect: { action: 'pending_override', ruleId: 'big', requires_override: false },
    });
    expect(wrongOverride.passed).toBe(false);
  });

  it('checks expected validation errors by code', () => {
    expect(run({ name: 'a', signals: { n: -1 }, expectError: 'VAL-010' }).passed).toBe(true);
    const other = run({ name: 'b', signals: { n: -1 }, expectError: 'VAL-005' });
    expect(other.passed).toBe(false);
    expect(other.detail).toContain('VAL-010');
    const accepted = run({ name: 'c', signals: { n: 1 }, expectError: 'VAL-010' });
    expect(accepted).toMatchObject({ passed: false, detail: 'expected VAL-010, but the signals were accepted' });
    const refused = run({ name: 'd', signals: { n: 'x' }, expect: { action: 'approve', ruleId: 'small' } });
    expect(refused.passed).toBe(false);
    expect(refused.detail).toContain('VAL-006');
  });

  it('fails (rather than throws) when no rule matches', () => {
    const r = run({ name: 'gap', signals: { n: 4 }, expect: { action: 'approve', ruleId: 'small' } });
    expect(r.passed).toBe(false);
    expect(r.detail).toContain('POL-040');
  });
});
