import { ParmanaError } from '../errors/ParmanaError.js';
import type { CompiledPolicy, Condition, Literal } from './Policy.js';

export interface PolicyDecision {
  readonly action: string;
  readonly requires_override: boolean;
  readonly reason: string;
  readonly ruleId: string;
}

type Signals = Readonly<Record<string, string | number | boolean>>;

// Same-type comparisons only: validated signals and compiled literals share their signal's type, so a string
// never meets a number here. Integers are safe integers, so number comparison is exact.
function compare(op: string, actual: Literal, expected: Literal | readonly Literal[]): boolean {
  switch (op) {
    case 'equals':
      return actual === expected;
    case 'not_equals':
      return actual !== expected;
    case 'in':
      return Array.isArray(expected) && expected.includes(actual);
    default:
      if (typeof actual !== 'number' || typeof expected !== 'number') return false;
      if (op === 'greater_than') return actual > expected;
      if (op === 'greater_than_or_equal') return actual >= expected;
      if (op === 'less_than') return actual < expected;
      return actual <= expected;
  }
}

export function matches(condition: Condition, signals: Signals): boolean {
  if ('all' in condition) return condition.all.every((c) => matches(c, signals));
  if ('any' in condition) return condition.any.some((c) => matches(c, signals));
  if ('not' in condition) return !matches(condition.not, signals);
  // An optional signal that is absent makes its comparison false (and `not` of it true).
  if (!Object.hasOwn(signals, condition.signal)) return false;
  const actual = signals[condition.signal];
  return actual !== undefined && compare(condition.op, actual, condition.value);
}

/** First matching rule wins; the decision names it. Signals must have been validated against the same policy. */
export function evaluate(policy: CompiledPolicy, signals: Signals): PolicyDecision {
  for (const rule of policy.rules) {
    if (matches(rule.condition, signals)) return { ...rule.outcome, ruleId: rule.id };
  }
  throw new ParmanaError('POL-040', { path: '$.rules', detail: `${policy.policyId}@${policy.policyVersion}` });
}
