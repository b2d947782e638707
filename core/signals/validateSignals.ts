import { ParmanaError } from '../errors/ParmanaError.js';
import type { SignalSpec } from '../policy/Policy.js';

export type SignalValidation =
  | { readonly ok: true; readonly signals: Record<string, string | number | boolean> }
  | { readonly ok: false; readonly errors: ParmanaError[] };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function checkOne(name: string, spec: SignalSpec, value: unknown): string | number | boolean | ParmanaError {
  const path = `$.signals.${name}`;
  const wrongType = (): ParmanaError =>
    new ParmanaError('VAL-006', {
      path,
      detail: `expected ${spec.type}, got ${value === null ? 'null' : typeof value}`,
    });
  switch (spec.type) {
    case 'boolean':
      return typeof value === 'boolean' ? value : wrongType();
    case 'integer':
    case 'number': {
      if (typeof value !== 'number') return wrongType();
      if (!Number.isFinite(value)) return new ParmanaError('VAL-008', { path });
      if (spec.type === 'integer' && !Number.isSafeInteger(value)) {
        return new ParmanaError('VAL-007', { path, detail: String(value) });
      }
      if (
        (spec.minimum !== undefined && value < spec.minimum) ||
        (spec.maximum !== undefined && value > spec.maximum)
      ) {
        return new ParmanaError('VAL-010', {
          path,
          detail: `${value} not in [${spec.minimum ?? '-inf'}, ${spec.maximum ?? '+inf'}]`,
        });
      }
      // -0 and 0 compare equal; keep one spelling so fingerprints agree.
      return Object.is(value, -0) ? 0 : value;
    }
    case 'string':
    case 'enum': {
      if (typeof value !== 'string') return wrongType();
      if (LONE_SURROGATE.test(value)) return new ParmanaError('VAL-012', { path });
      const normalised = value.normalize('NFC');
      if (spec.maxLength !== undefined && normalised.length > spec.maxLength) {
        return new ParmanaError('VAL-011', { path, detail: `${normalised.length} > ${spec.maxLength}` });
      }
      if (spec.type === 'enum' && !(spec.values ?? []).includes(normalised)) {
        return new ParmanaError('VAL-009', {
          path,
          detail: `${JSON.stringify(normalised.slice(0, 64))} not in ${JSON.stringify(spec.values)}`,
        });
      }
      return normalised;
    }
  }
}

/**
 * Validates raw signals against a signals schema and returns them normalised (NFC strings, sorted keys), or every
 * problem found, each with its code and path. Never throws.
 */
export function validateSignals(schema: Readonly<Record<string, SignalSpec>>, raw: unknown): SignalValidation {
  if (!isPlainObject(raw)) return { ok: false, errors: [new ParmanaError('VAL-003', { path: '$.signals' })] };
  const errors: ParmanaError[] = [];
  const out: [string, string | number | boolean][] = [];
  for (const name of Object.keys(raw)) {
    if (!Object.hasOwn(schema, name)) {
      errors.push(new ParmanaError('VAL-004', { path: `$.signals.${name.slice(0, 64)}` }));
    }
  }
  for (const name of Object.keys(schema).sort()) {
    const spec = schema[name];
    if (spec === undefined) continue;
    if (!Object.hasOwn(raw, name)) {
      if (spec.required) errors.push(new ParmanaError('VAL-005', { path: `$.signals.${name}` }));
      continue;
    }
    const checked = checkOne(name, spec, raw[name]);
    if (checked instanceof ParmanaError) errors.push(checked);
    else out.push([name, checked]);
  }
  // fromEntries defines own properties, so even a `__proto__` signal stays data instead of becoming a prototype.
  return errors.length > 0 ? { ok: false, errors } : { ok: true, signals: Object.fromEntries(out) };
}
