import { validateSignals } from '../signals/validateSignals.js';
import { evaluate } from './evaluate.js';
import type { CompiledPolicy } from './Policy.js';

export interface PolicyTestCase {
  readonly name: string;
  readonly signals: unknown;
  readonly expect?: { readonly action: string; readonly ruleId: string; readonly requires_override?: boolean };
  readonly expectError?: string;
}

export interface PolicyTestResult {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads a tests.json value; returns the cases or a message saying what is malformed. */
export function parsePolicyTests(raw: unknown): { cases: PolicyTestCase[] } | { error: string } {
  if (!isRecord(raw) || !Array.isArray(raw.cases)) return { error: '$.cases must be an array' };
  const cases: PolicyTestCase[] = [];
  for (const [i, c] of raw.cases.entries()) {
    if (!isRecord(c) || typeof c.name !== 'string') return { error: `$.cases[${i}].name must be a string` };
    const exp = c.expect;
    const hasExpect = isRecord(exp) && typeof exp.action === 'string' && typeof exp.ruleId === 'string';
    if (hasExpect === (typeof c.expectError === 'string')) {
      return { error: `$.cases[${i}] needs exactly one of expect {action, ruleId} or expectError` };
    }
    cases.push(c as unknown as PolicyTestCase);
  }
  return { cases };
}

/** Runs each case through validation and evaluation, as the worker would. */
export function runPolicyTests(policy: CompiledPolicy, cases: readonly PolicyTestCase[]): PolicyTestResult[] {
  return cases.map((c) => {
    const validated = validateSignals(policy.signalsSchema, c.signals);
    if (!validated.ok) {
      const codes = validated.errors.map((e) => e.code);
      if (c.expectError !== undefined && codes.includes(c.expectError as (typeof codes)[number])) {
        return { name: c.name, passed: true, detail: `refused with ${c.expectError}` };
      }
      return {
        name: c.name,
        passed: false,
        detail: `signals refused: ${validated.errors.map((e) => e.message).join('; ')}`,
      };
    }
    if (c.expectError !== undefined) {
      return { name: c.name, passed: false, detail: `expected ${c.expectError}, but the signals were accepted` };
    }
    let got: { action: string; ruleId: string; requires_override: boolean };
    try {
      got = evaluate(policy, validated.signals);
    } catch (err) {
      return { name: c.name, passed: false, detail: err instanceof Error ? err.message : String(err) };
    }
    const want = c.expect;
    const ok =
      want !== undefined &&
      got.action === want.action &&
      got.ruleId === want.ruleId &&
      (want.requires_override === undefined || got.requires_override === want.requires_override);
    return {
      name: c.name,
      passed: ok,
      detail: ok
        ? `${got.action} by ${got.ruleId}`
        : `expected ${JSON.stringify(want)}, got ${JSON.stringify({ action: got.action, ruleId: got.ruleId, requires_override: got.requires_override })}`,
    };
  });
}
