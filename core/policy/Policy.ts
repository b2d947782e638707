/** Types of a compiled (validated, normalised) policy. The raw file has the same shape; the compiler checks it. */

export type SignalType = 'integer' | 'number' | 'boolean' | 'string' | 'enum';

export interface SignalSpec {
  readonly type: SignalType;
  readonly values?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly maxLength?: number;
  readonly required: boolean;
}

export type Literal = string | number | boolean;

export const COMPARISON_OPERATORS = [
  'equals',
  'not_equals',
  'greater_than',
  'greater_than_or_equal',
  'less_than',
  'less_than_or_equal',
  'in',
] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

export type Condition =
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition }
  | { readonly signal: string; readonly op: ComparisonOperator; readonly value: Literal | readonly Literal[] };

export interface Outcome {
  readonly action: string;
  readonly requires_override: boolean;
  readonly reason: string;
}

export interface Rule {
  readonly id: string;
  readonly condition: Condition;
  readonly outcome: Outcome;
}

export interface CompiledPolicy {
  readonly policyId: string;
  readonly policyVersion: string;
  readonly schemaVersion: string;
  readonly signalsSchema: Readonly<Record<string, SignalSpec>>;
  readonly rules: readonly Rule[];
  /** SHA-256 of the canonical compiled form without this field. */
  readonly policyHash: string;
}

export interface Diagnostic {
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly path: string;
  readonly message: string;
}
