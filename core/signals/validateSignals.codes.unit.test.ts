import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonStrict } from '../canonical/parseJsonStrict.js';
import { VAL_CODES } from '../errors/codes/val.js';
import type { SignalSpec } from '../policy/Policy.js';
import { validateSignals } from './validateSignals.js';

// One test per VAL code with its path, normalisation (NFC, -0, key order) and signals parsed from JSON text.

const SCHEMA: Record<string, SignalSpec> = {
  score: { type: 'integer', minimum: 300, maximum: 850, required: true },
  ratio: { type: 'number', minimum: 0, maximum: 1, required: true },
  name: { type: 'string', maxLength: 4, required: true },
  city: { type: 'enum', values: ['café', 'bar'], required: true },
  vip: { type: 'boolean', required: false },
};
const OK = { score: 700, ratio: 0.5, name: 'ann', city: 'bar' };

const errorsOf = (raw: unknown, schema: Record<string, SignalSpec> = SCHEMA): string[] => {
  const r = validateSignals(schema, raw);
  return r.ok ? [] : r.errors.map((e) => `${e.code} ${e.path ?? ''}`);
};

describe('validateSignals: each code with its path', () => {
  it.each([
    ['VAL-003', 'an array', [OK], '$.signals'],
    ['VAL-003', 'a Date', new Date(0), '$.signals'],
    ['VAL-004', 'an undeclared signal', { ...OK, shoe: 42 }, '$.signals.shoe'],
    ['VAL-005', 'a missing required signal', { score: 700, ratio: 0.5, name: 'a' }, '$.signals.city'],
    ['VAL-006', 'a string for an integer', { ...OK, score: '700' }, '$.signals.score'],
    ['VAL-006', 'a number for a boolean', { ...OK, vip: 1 }, '$.signals.vip'],
    ['VAL-006', 'null for an enum', { ...OK, city: null }, '$.signals.city'],
    ['VAL-007', 'a fraction for an integer', { ...OK, score: 700.5 }, '$.signals.score'],
    ['VAL-007', '2^53 + 2', { ...OK, score: 2 ** 53 + 2 }, '$.signals.score'],
    ['VAL-008', 'NaN', { ...OK, ratio: Number.NaN }, '$.signals.ratio'],
    ['VAL-008', '-Infinity', { ...OK, ratio: Number.NEGATIVE_INFINITY }, '$.signals.ratio'],
    ['VAL-009', 'a value outside the enum', { ...OK, city: 'Café' }, '$.signals.city'],
    ['VAL-010', 'below the minimum', { ...OK, score: 299 }, '$.signals.score'],
    ['VAL-010', 'above the maximum', { ...OK, ratio: 1.0000001 }, '$.signals.ratio'],
    ['VAL-011', 'too long', { ...OK, name: 'annie' }, '$.signals.name'],
    ['VAL-012', 'a lone low surrogate', { ...OK, city: '\uDC00' }, '$.signals.city'],
  ] as const)('%s: %s', (code, _what, raw, path) => {
    expect(errorsOf(raw)).toEqual([`${code} ${path}`]);
    const r = validateSignals(SCHEMA, raw);
    expect(!r.ok && r.errors[0]?.message.includes(VAL_CODES[code].message)).toBe(true);
  });

  it('covers every VAL code of the registry', () => {
    expect(Object.keys(VAL_CODES).sort()).toEqual([
      'VAL-003',
      'VAL-004',
      'VAL-005',
      'VAL-006',
      'VAL-007',
      'VAL-008',
      'VAL-009',
      'VAL-010',
      'VAL-011',
      'VAL-012',
    ]);
  });
});

describe('validateSignals: normalisation', () => {
  it('NFC: "e\\u0301" becomes "é" in strings and enum values, and enum membership is checked after NFC', () => {
    const r = validateSignals(SCHEMA, { ...OK, name: 'e\u0301', city: 'cafe\u0301' });
    expect(r).toEqual({ ok: true, signals: { city: 'café', name: 'é', ratio: 0.5, score: 700 } });
    if (r.ok) {
      expect(r.signals.name).toBe('\u00e9');
      expect(r.signals.city).toHaveLength(4);
    }
  });

  it('integers beyond 2^53 in JSON text are refused with VAL-007 (the text already lost precision)', () => {
    for (const text of ['9007199254740992', '9007199254740993', '-9007199254740993', '1e16', '123456789012345678901']) {
      const raw = parseJsonStrict(`{"score":${text},"ratio":0,"name":"a","city":"bar"}`);
      const wide = { ...SCHEMA, score: { type: 'integer', required: true } as const };
      expect(errorsOf(raw, wide), text).toEqual(['VAL-007 $.signals.score']);
    }
    const edge = parseJsonStrict(`{"score":9007199254740991,"ratio":0,"name":"a","city":"bar"}`);
    const wide = { ...SCHEMA, score: { type: 'integer', required: true } as const };
    expect(validateSignals(wide, edge)).toMatchObject({ ok: true, signals: { score: 9007199254740991 } });
  });

  it('-0 becomes 0, for integers and numbers, so the canonical form has one spelling', () => {
    const schema: Record<string, SignalSpec> = {
      i: { type: 'integer', required: true },
      n: { type: 'number', minimum: 0, required: true },
    };
    const r = validateSignals(schema, parseJsonStrict('{"i":-0,"n":-0.0}'));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(Object.is(r.signals.i, 0)).toBe(true);
      expect(Object.is(r.signals.n, 0)).toBe(true);
    }
  });

  it('output keys are sorted whatever the input order', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(Object.entries({ ...OK, vip: true }), { minLength: 5 }), (entries) => {
        const r = validateSignals(SCHEMA, Object.fromEntries(entries));
        expect(r.ok).toBe(true);
        if (r.ok) expect(Object.keys(r.signals)).toEqual(['city', 'name', 'ratio', 'score', 'vip']);
      }),
      { numRuns: 100 },
    );
  });

  it('an absent optional signal stays absent; a present one is validated', () => {
    const r = validateSignals(SCHEMA, OK);
    expect(r.ok && Object.keys(r.signals)).toEqual(['city', 'name', 'ratio', 'score']);
    expect(errorsOf({ ...OK, vip: 'yes' })).toEqual(['VAL-006 $.signals.vip']);
  });
});

describe('validateSignals: never throws', () => {
  it('on anything, and on declared names with arbitrary values', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.dictionary(fc.constantFrom(...Object.keys(SCHEMA), 'other', 'constructor', '__proto__'), fc.anything()),
          fc
            .record({ key: fc.constantFrom(...Object.keys(SCHEMA)), value: fc.anything() })
            .map(({ key, value }) => ({ ...OK, [key]: value })),
        ),
        (raw) => {
          const r = validateSignals(SCHEMA, raw);
          if (r.ok) {
            expect(Object.keys(r.signals)).toEqual(Object.keys(r.signals).sort());
            for (const [k, v] of Object.entries(r.signals)) {
              expect(Object.hasOwn(SCHEMA, k)).toBe(true);
              if (typeof v === 'string') expect(v).toBe(v.normalize('NFC'));
            }
          } else {
            expect(r.errors.length).toBeGreaterThan(0);
            for (const e of r.errors) {
              expect(Object.hasOwn(VAL_CODES, e.code)).toBe(true);
              expect(e.path?.startsWith('$.signals')).toBe(true);
            }
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
