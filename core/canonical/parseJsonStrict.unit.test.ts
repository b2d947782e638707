import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize } from './canonicalize.js';
import { parseJsonStrict } from './parseJsonStrict.js';

describe('parseJsonStrict', () => {
  it('refuses duplicate keys anywhere (JSON.parse would silently keep the last), naming where', () => {
    expect(() => parseJsonStrict('{"a":1,"a":2}')).toThrow(/CAN-003 .* at \$\.a/);
    expect(() => parseJsonStrict('{"x":[{"k":1,"b":2,"k":3}]}')).toThrow(/CAN-003 .* at \$\.x\[0\]\.k/);
    // Escapes are decoded before comparing: "\u0061" is "a".
    expect(() => parseJsonStrict('{"\\u0061":1,"a":2}')).toThrow(/CAN-003/);
    expect(parseJsonStrict('{"a":{"a":1},"b":{"a":2}}')).toEqual({ a: { a: 1 }, b: { a: 2 } });
  });

  it('refuses malformed text', () => {
    for (const bad of ['', '{', '{"a":}', '[1,]', 'nul', '{"a":1} x', "{'a':1}", '01', '1.', '"\t"', 'NaN'])
      expect(() => parseJsonStrict(bad), bad).toThrow(/CAN-004/);
  });

  it('refuses what canonicalize would refuse later: lone surrogates, overflowing numbers, deep nesting', () => {
    expect(() => parseJsonStrict('"\\ud800"')).toThrow(/CAN-002/);
    expect(() => parseJsonStrict('{"\\udc00":1}')).toThrow(/CAN-002/);
    expect(() => parseJsonStrict('1e400')).toThrow(/CAN-001/);
    expect(() => parseJsonStrict('['.repeat(200) + ']'.repeat(200))).toThrow(/CAN-006/);
    expect(parseJsonStrict('"\\ud83d\\ude02"')).toBe('😂');
  });

  it('keeps __proto__ as plain data without polluting prototypes', () => {
    const v = parseJsonStrict('{"__proto__":{"polluted":true},"a":{"__proto__":[1]}}') as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(canonicalize(v)).toBe('{"__proto__":{"polluted":true},"a":{"__proto__":[1]}}');
  });

  it('agrees with JSON.parse on valid input without duplicates', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 3 }), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        expect(parseJsonStrict(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws anything but a coded error on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json().map((j) => j.slice(0, Math.max(0, j.length - 1))),
        ),
        (text) => {
          try {
            parseJsonStrict(text);
          } catch (err) {
            expect(String(err)).toMatch(/CAN-00[1-6]/);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
