import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SignalSpec } from '../policy/Policy.js';
import { validateSignals } from './validateSignals.js';

const SCHEMA: Record<string, SignalSpec> = {
  n: { type: 'integer', minimum: 0, maximum: 100, required: true },
  x: { type: 'number', required: true },
  s: { type: 'string', maxLength: 5, required: true },
  e: { type: 'enum', values: ['é', 'b'], required: true },
  f: { type: 'boolean', required: false },
};
const OK = { n: 5, x: 1.5, s: 'abc', e: 'b' };
const codes = (raw: unknown): string[] => {
  const r = validateSignals(SCHEMA, raw);
  return r.ok ? [] : r.errors.map((e) => `${e.code} ${e.path ?? ''}`);
};

describe('validateSignals', () => {
  it('accepts valid signals, normalising strings to NFC and sorting keys', () => {
    const r = validateSignals(SCHEMA, { s: 'e\u0301', x: -0, e: 'e\u0301', n: 0 });
    expect(r).toEqual({ ok: true, signals: { e: 'é', n: 0, s: 'é', x: 0 } });
    if (r.ok) expect(Object.keys(r.signals)).toEqual(['e', 'n', 's', 'x']);
  });

  it('reports every problem with its code and path', () => {
    expect(codes([])).toEqual(['VAL-003 $.signals']);
    expect(codes({ ...OK, extra: 1 })).toEqual(['VAL-004 $.signals.extra']);
    expect(codes({ x: 1, s: 'a', e: 'b' })).toEqual(['VAL-005 $.signals.n']);
    expect(codes({ ...OK, f: 'yes' })).toEqual(['VAL-006 $.signals.f']);
    expect(codes({ ...OK, n: 1.5 })).toEqual(['VAL-007 $.signals.n']);
    expect(codes({ ...OK, n: 2 ** 53 })).toEqual(['VAL-007 $.signals.n']);
    expect(codes({ ...OK, x: Number.POSITIVE_INFINITY })).toEqual(['VAL-008 $.signals.x']);
    expect(codes({ ...OK, e: 'c' })).toEqual(['VAL-009 $.signals.e']);
    expect(codes({ ...OK, n: 101 })).toEqual(['VAL-010 $.signals.n']);
    expect(codes({ ...OK, s: 'abcdef' })).toEqual(['VAL-011 $.signals.s']);
    expect(codes({ ...OK, s: '\uD800' })).toEqual(['VAL-012 $.signals.s']);
    expect(codes({ n: '5', x: null, s: 1, e: true })).toEqual([
      'VAL-006 $.signals.e',
      'VAL-006 $.signals.n',
      'VAL-006 $.signals.s',
      'VAL-006 $.signals.x',
    ]);
  });

  it('never throws on hostile input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.dictionary(fc.constantFrom('n', 'x', 's', 'e', 'f', '__proto__', 'other'), fc.anything()),
        ),
        (raw) => {
          const r = validateSignals(SCHEMA, raw);
          expect(typeof r.ok).toBe('boolean');
        },
      ),
      { numRuns: 1000 },
    );
  });
});
