import { ERROR_CODES, type ErrorCode } from '../errors/registry.js';
import { hashCanonical } from '../hash/hashCanonical.js';
import {
  COMPARISON_OPERATORS,
  type CompiledPolicy,
  type ComparisonOperator,
  type Condition,
  type Diagnostic,
  type Literal,
  type Rule,
  type SignalSpec,
  type SignalType,
} from './Policy.js';

const POLICY_FIELDS = new Set(['policyId', 'policyVersion', 'schemaVersion', 'description', 'signalsSchema', 'rules']);
const SIGNAL_FIELDS = new Set(['type', 'values', 'minimum', 'maximum', 'maxLength', 'required', 'description']);
const RULE_FIELDS = new Set(['id', 'description', 'condition', 'outcome']);
const SIGNAL_TYPES: readonly SignalType[] = ['integer', 'number', 'boolean', 'string', 'enum'];
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const ORDERING: readonly ComparisonOperator[] = [
  'greater_than',
  'greater_than_or_equal',
  'less_than',
  'less_than_or_equal',
];
const MAX_CONDITION_DEPTH = 32;

export interface CompileOptions {
  readonly expectedPolicyId?: string;
  readonly expectedVersion?: string;
}

export interface CompileResult {
  readonly policy?: CompiledPolicy;
  readonly diagnostics: readonly Diagnostic[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function safeKey(key: string): string {
  return NAME.test(key) ? `.${key}` : `[${JSON.stringify(key.slice(0, 64))}]`;
}

/** Collects diagnostics; never throws, whatever the input. */
class Compiler {
  readonly diagnostics: Diagnostic[] = [];
  signals: Record<string, SignalSpec> = {};

  report(code: ErrorCode, path: string, detail?: string, severity: 'error' | 'warning' = 'error'): void {
    const base = ERROR_CODES[code].message;
    this.diagnostics.push({ code, severity, path, message: detail === undefined ? base : `${base}: ${detail}` });
  }

  unknownFields(obj: Record<string, unknown>, allowed: ReadonlySet<string>, path: string): void {
    for (const key of Object.keys(obj)) if (!allowed.has(key)) this.report('POL-002', `${path}${safeKey(key)}`);
  }

  signalSpec(name: string, raw: unknown, path: string): SignalSpec | undefined {
    if (!NAME.test(name)) {
      this.report('POL-007', path, 'signal names are identifiers ([A-Za-z_][A-Za-z0-9_]*)');
      return undefined;
    }
    // Assigning `__proto__` on a plain object would swap its prototype and silently drop the declaration.
    if (name === '__proto__') {
      this.report('POL-007', path, '__proto__ is reserved');
      return undefined;
    }
    if (!isObject(raw)) {
      this.report('POL-007', path, 'a signal is declared by an object with a type');
      return undefined;
    }
    this.unknownFields(raw, SIGNAL_FIELDS, path);
    const type = raw.type;
    if (typeof type !== 'string' || !SIGNAL_TYPES.includes(type as SignalType)) {
      this.report('POL-007', `${path}.type`, `type must be one of ${SIGNAL_TYPES.join(', ')}`);
      return undefined;
    }
    const spec: { -readonly [K in keyof SignalSpec]: SignalSpec[K] } = { type: type as SignalType, required: true };
    if (raw.required !== undefined) {
      if (typeof raw.required !== 'boolean') this.report('POL-007', `${path}.required`, 'must be a boolean');
      else spec.required = raw.required;
    }
    if (type === 'enum') {
      const values = raw.values;
      if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string')) {
        this.report('POL-008', `${path}.values`);
        return undefined;
      }
      // Literals and signal values are compared in NFC: values equal after normalisation are duplicates.
      const normalised = values.map((v) => v.normalize('NFC'));
      if (new Set(normalised).size !== normalised.length) {
        this.report('POL-008', `${path}.values`);
        return undefined;
      }
      spec.values = normalised;
    } else if (raw.values !== undefined) {
      this.report('POL-007', `${path}.values`, 'only enum signals have values');
    }
    for (const bound of ['minimum', 'maximum'] as const) {
      const b = raw[bound];
      if (b === undefined) continue;
      if ((type !== 'integer' && type !== 'number') || typeof b !== 'number' || !Number.isFinite(b)) {
        this.report('POL-007', `${path}.${bound}`, 'bounds are finite numbers on integer/number signals');
      } else spec[bound] = b;
    }
    if (spec.minimum !== undefined && spec.maximum !== undefined && spec.minimum > spec.maximum) {
      // No value could ever satisfy the declaration: every request would fail signal validation.
      this.report('POL-007', `${path}.minimum`, `minimum ${spec.minimum} is greater than maximum ${spec.maximum}`);
    }
    if (raw.maxLength !== undefined) {
      if (type !== 'string' || !Number.isSafeInteger(raw.maxLength) || (raw.maxLength as number) < 0) {
        this.report('POL-007', `${path}.maxLength`, 'maxLength is a non-negative integer on string signals');
      } else spec.maxLength = raw.maxLength as number;
    }
    return spec;
  }

  literal(spec: SignalSpec, value: unknown, path: string): Literal | undefined {
    const ok =
      (spec.type === 'boolean' && typeof value === 'boolean') ||
      (spec.type === 'integer' && typeof value === 'number' && Number.isSafeInteger(value)) ||
      (spec.type === 'number' && typeof value === 'number' && Number.isFinite(value)) ||
      ((spec.type === 'string' || spec.type === 'enum') && typeof value === 'string');
    if (!ok) {
      this.report('POL-023', path, `expected a ${spec.type} literal`);
      return undefined;
    }
    if (typeof value === 'string') {
      const normalised = value.normalize('NFC');
      if (spec.type === 'enum' && !(spec.values ?? []).includes(normalised)) {
        this.report('POL-024', path, JSON.stringify(normalised.slice(0, 64)));
        return undefined;
      }
      return normalised;
    }
    return value;
  }

  condition(raw: unknown, path: string, depth: number): Condition | undefined {
    if (depth > MAX_CONDITION_DEPTH) {
      this.report('POL-025', path, 'nested too deeply');
      return undefined;
    }
    if (!isObject(raw)) {
      this.report('POL-025', path, 'a condition is an object');
      return undefined;
    }
    const keys = Object.keys(raw);
    for (const combinator of ['all', 'any'] as const) {
      if (!(combinator in raw)) continue;
      if (keys.length !== 1) {
        this.report('POL-025', path, `${combinator} stands alone in its object`);
        return undefined;
      }
      const items = raw[combinator];
      if (!Array.isArray(items)) {
        this.report('POL-025', `${path}.${combinator}`, 'expected an array');
        return undefined;
      }
      if (combinator === 'any' && items.length === 0) {
        this.report('POL-025', `${path}.any`, 'an empty any never matches');
        return undefined;
      }
      const compiled = items.map((c, i) => this.condition(c, `${path}.${combinator}[${i}]`, depth + 1));
      if (compiled.some((c) => c === undefined)) return undefined;
      return combinator === 'all' ? { all: compiled as Condition[] } : { any: compiled as Condition[] };
    }
    if ('not' in raw) {
      if (keys.length !== 1) {
        this.report('POL-025', path, 'not stands alone in its object');
        return undefined;
      }
      const inner = this.condition(raw.not, `${path}.not`, depth + 1);
      return inner === undefined ? undefined : { not: inner };
    }
    const signal = raw.signal;
    if (typeof signal !== 'string') {
      this.report('POL-025', path, 'expected all, any, not, or a signal comparison');
      return undefined;
    }
    const ops = keys.filter((k) => k !== 'signal');
    const op = ops[0];
    if (ops.length !== 1 || op === undefined) {
      this.report('POL-025', path, 'a comparison has exactly one operator');
      return undefined;
    }
    if (!(COMPARISON_OPERATORS as readonly string[]).includes(op)) {
      this.report('POL-021', `${path}${safeKey(op)}`, op.slice(0, 64));
      return undefined;
    }
    const operator = op as ComparisonOperator;
    const spec = Object.hasOwn(this.signals, signal) ? this.signals[signal] : undefined;
    if (spec === undefined) {
      this.report('POL-020', `${path}.signal`, signal.slice(0, 64));
      return undefined;
    }
    const valuePath = `${path}.${operator}`;
    if (ORDERING.includes(operator) && spec.type !== 'integer' && spec.type !== 'number') {
      this.report('POL-022', valuePath, `${operator} needs an integer or number signal, ${signal} is ${spec.type}`);
      return undefined;
    }
    const value = raw[operator];
    if (operator === 'in') {
      if (!Array.isArray(value) || value.length === 0) {
        this.report('POL-022', valuePath, 'in needs a non-empty array');
        return undefined;
      }
      const items = value.map((v, i) => this.literal(spec, v, `${valuePath}[${i}]`));
      if (items.some((v) => v === undefined)) return undefined;
      return { signal, op: operator, value: items as Literal[] };
    }
    const literal = this.literal(spec, value, valuePath);
    return literal === undefined ? undefined : { signal, op: operator, value: literal };
  }

  outcome(raw: unknown, path: string): Rule['outcome'] | undefined {
    if (
      !isObject(raw) ||
      typeof raw.action !== 'string' ||
      !/^[a-z][a-z0-9_]{0,63}$/.test(raw.action) ||
      typeof raw.requires_override !== 'boolean' ||
      typeof raw.reason !== 'string'
    ) {
      this.report('POL-012', path, 'outcome is {action (snake_case), requires_override (boolean), reason (string)}');
      return undefined;
    }
    this.unknownFields(raw, new Set(['action', 'requires_override', 'reason']), path);
    return { action: raw.action, requires_override: raw.requires_override, reason: raw.reason.normalize('NFC') };
  }
}

function isCatchAll(c: Condition): boolean {
  return 'all' in c && c.all.length === 0;
}

/**
 * Checks a raw policy and returns its compiled form (deterministic plain JSON) with every diagnostic.
 * A policy with any error diagnostic has no compiled form. Never throws on hostile input.
 */
export function compilePolicy(raw: unknown, options: CompileOptions = {}): CompileResult {
  const c = new Compiler();
  if (!isObject(raw)) {
    c.report('POL-001', '$');
    return { diagnostics: c.diagnostics };
  }
  c.unknownFields(raw, POLICY_FIELDS, '$');
  const { policyId, policyVersion, schemaVersion } = raw;
  if (typeof policyId !== 'string' || !ID.test(policyId)) c.report('POL-004', '$.policyId', 'lowercase id, 1-64 chars');
  else if (options.expectedPolicyId !== undefined && policyId !== options.expectedPolicyId) {
    c.report('POL-004', '$.policyId', `expected ${options.expectedPolicyId}`);
  }
  if (typeof policyVersion !== 'string' || !SEMVER.test(policyVersion)) c.report('POL-005', '$.policyVersion');
  else if (options.expectedVersion !== undefined && policyVersion !== options.expectedVersion) {
    c.report('POL-005', '$.policyVersion', `expected ${options.expectedVersion}`);
  }
  if (schemaVersion !== '1.0.0') c.report('POL-006', '$.schemaVersion', 'supported: "1.0.0"');

  if (!isObject(raw.signalsSchema)) c.report('POL-003', '$.signalsSchema', 'an object of signal declarations');
  else {
    for (const [name, spec] of Object.entries(raw.signalsSchema)) {
      const compiled = c.signalSpec(name, spec, `$.signalsSchema${safeKey(name)}`);
      if (compiled !== undefined) c.signals[name] = compiled;
    }
  }

  const rules: Rule[] = [];
  if (!Array.isArray(raw.rules) || raw.rules.length === 0) c.report('POL-010', '$.rules');
  else {
    const ids = new Set<string>();
    let catchAll: string | undefined;
    raw.rules.forEach((rule: unknown, i) => {
      const path = `$.rules[${i}]`;
      if (!isObject(rule)) {
        c.report('POL-003', path, 'a rule is an object');
        return;
      }
      c.unknownFields(rule, RULE_FIELDS, path);
      if (typeof rule.id !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(rule.id)) {
        c.report('POL-013', `${path}.id`);
        return;
      }
      if (ids.has(rule.id)) c.report('POL-011', `${path}.id`, rule.id);
      ids.add(rule.id);
      const condition = c.condition(rule.condition, `${path}.condition`, 0);
      const outcome = c.outcome(rule.outcome, `${path}.outcome`);
      if (catchAll !== undefined) c.report('POL-030', path, `${rule.id} follows catch-all ${catchAll}`, 'warning');
      if (condition === undefined || outcome === undefined) return;
      if (isCatchAll(condition) && catchAll === undefined) catchAll = rule.id;
      rules.push({ id: rule.id, condition, outcome });
    });
    if (catchAll === undefined) c.report('POL-031', '$.rules', 'add a last rule with condition {"all": []}', 'warning');
  }

  if (c.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: c.diagnostics };
  const body = {
    policyId: policyId as string,
    policyVersion: policyVersion as string,
    schemaVersion: '1.0.0',
    signalsSchema: c.signals,
    rules,
  };
  return { policy: { ...body, policyHash: hashCanonical(body) }, diagnostics: c.diagnostics };
}
