import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashCanonical } from '../hash/hashCanonical.js';
import { canonicalize } from './canonicalize.js';
import { parseJsonStrict } from './parseJsonStrict.js';

const DIR = 'test/fixtures/rfc8785';

describe('canonicalize (RFC 8785)', () => {
  it.each(readdirSync(`${DIR}/input`))('matches the published output for %s', (file) => {
    const input = readFileSync(`${DIR}/input/${file}`, 'utf8');
    const expected = readFileSync(`${DIR}/output/${file}`, 'utf8');
    expect(canonicalize(JSON.parse(input))).toBe(expected);
    expect(canonicalize(parseJsonStrict(input))).toBe(expected);
  });

  it.each([
    [1e21, '1e+21'],
    [-0, '0'],
    // The RFC's example is exactly a literal that does not survive as a double: that is what it tests.
    // eslint-disable-next-line no-loss-of-precision
    [333333333.33333329, '333333333.3333333'],
    [1e30, '1e+30'],
    [4.5, '4.5'],
    [0.002, '0.002'],
    [0.000001, '0.000001'],
    [1e-7, '1e-7'],
    [9007199254740991, '9007199254740991'],
  ])('serialises the number %s as %s', (n, text) => {
    expect(canonicalize(n)).toBe(text);
  });

  it('sorts keys by UTF-16 code units, not by locale', () => {
    expect(canonicalize({ b: 1, a: 2, B: 3, é: 4, '😂': 5, דּ: 6 })).toBe('{"B":3,"a":2,"b":1,"é":4,"😂":5,"דּ":6}');
  });

  it('refuses what JCS cannot represent, naming where', () => {
    expect(() => canonicalize({ a: [1, Number.NaN] })).toThrow(/CAN-001 .* at \$\.a\[1\]/);
    expect(() => canonicalize(Number.POSITIVE_INFINITY)).toThrow(/CAN-001/);
    expect(() => canonicalize({ s: 'x\uD800y' })).toThrow(/CAN-002 .* at \$\.s/);
    expect(() => canonicalize({ ['\uDC00']: 1 })).toThrow(/CAN-002/);
    expect(() => canonicalize({ d: new Date(0) })).toThrow(/CAN-005/);
    expect(() => canonicalize({ u: undefined })).toThrow(/CAN-005/);
    expect(() => canonicalize(10n)).toThrow(/CAN-005/);
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(() => canonicalize(deep)).toThrow(/CAN-006/);
  });

  it('key order and whitespace never change the hash', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.integer({ min: 0, max: 4 }), (obj, indent) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        const spaced = parseJsonStrict(JSON.stringify(reversed, null, indent));
        expect(hashCanonical(spaced)).toBe(hashCanonical(obj));
      }),
      { numRuns: 300 },
    );
  });

  it('parse ∘ canonicalize is stable', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const once = canonicalize(value);
        expect(canonicalize(parseJsonStrict(once))).toBe(once);
      }),
      { numRuns: 500 },
    );
  });
});
