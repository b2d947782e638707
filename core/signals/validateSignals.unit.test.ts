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

  it('collects every problem at once, in a stable order', () => {
    expect(codes({ n: 1000, x: Number.NaN, s: 'abcdefgh', e: 'z', extra: true })).toEqual([
      'VAL-004 $.signals.extra',
      'VAL-009 $.signals.e',
      'VAL-010 $.signals.n',
      'VAL-011 $.signals.s',
      'VAL-008 $.signals.x',
    ]);
  });

  it('refuses integers beyond 2^53 and fractional integers, but accepts the safe edge', () => {
    const wide: Record<string, SignalSpec> = { n: { type: 'integer', required: true } };
    for (const n of [2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e300, 0.5]) {
      const r = validateSignals(wide, { n });
      expect(r.ok ? [] : r.errors.map((e) => `${e.code} ${e.path ?? ''}`), String(n)).toEqual(['VAL-007 $.signals.n']);
    }
    expect(validateSignals(wide, { n: Number.MAX_SAFE_INTEGER })).toEqual({
      ok: true,
      signals: { n: Number.MAX_SAFE_INTEGER },
    });
    expect(validateSignals(wide, { n: -0 })).toEqual({ ok: true, signals: { n: 0 } });
    const r = validateSignals(wide, { n: -0 });
    expect(r.ok && Object.is(r.signals.n, 0)).toBe(true);
  });

  it('accepts range boundaries inclusively and leaves optional signals out', () => {
    expect(validateSignals(SCHEMA, { ...OK, n: 0 }).ok).toBe(true);
    expect(validateSignals(SCHEMA, { ...OK, n: 100 }).ok).toBe(true);
    expect(codes({ ...OK, n: -1 })).toEqual(['VAL-010 $.signals.n']);
    const r = validateSignals(SCHEMA, OK);
    expect(r.ok && Object.hasOwn(r.signals, 'f')).toBe(false);
    expect(validateSignals(SCHEMA, { ...OK, f: false })).toEqual({ ok: true, signals: { ...OK, f: false } });
  });

  it('measures maxLength after NFC normalisation', () => {
    // "e" + combining acute is two code units before NFC and one after.
    expect(validateSignals(SCHEMA, { ...OK, s: 'e\u0301e\u0301e\u0301' })).toMatchObject({ ok: true });
    expect(codes({ ...OK, s: 'ab\uD83D' })).toEqual(['VAL-012 $.signals.s']);
    expect(validateSignals(SCHEMA, { ...OK, s: '😂' })).toMatchObject({ ok: true, signals: { s: '😂' } });
  });

  it('keeps a __proto__ signal as data and refuses an undeclared one', () => {
    const schema = JSON.parse('{"__proto__":{"type":"integer","required":true}}') as Record<string, SignalSpec>;
    const r = validateSignals(schema, JSON.parse('{"__proto__":5}'));
    expect(r.ok && Object.hasOwn(r.signals, '__proto__') && r.signals.__proto__).toBe(5);
    expect(codes(JSON.parse('{"__proto__":5,"n":5,"x":1,"s":"a","e":"b"}'))).toEqual(['VAL-004 $.signals.__proto__']);
    expect(({} as Record<string, unknown>).type).toBeUndefined();
  });

  it('refuses non-plain objects as the signals container', () => {
    expect(codes(new Map())).toEqual(['VAL-003 $.signals']);
    expect(codes(null)).toEqual(['VAL-003 $.signals']);
    expect(codes('{"n":1}')).toEqual(['VAL-003 $.signals']);
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
          if (r.ok) expect(Object.keys(r.signals)).toEqual(Object.keys(r.signals).sort());
          else for (const e of r.errors) expect(e.code).toMatch(/^VAL-0(0[3-9]|1[0-2])$/);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
