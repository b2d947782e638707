import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParmanaError } from '../errors/ParmanaError.js';
import { hashCanonical } from '../hash/hashCanonical.js';
import { canonicalize } from './canonicalize.js';
import { parseJsonStrict } from './parseJsonStrict.js';

// Complements canonicalize.unit.test.ts: the RFC's Appendix B number table, exact error paths and depth
// boundaries, and key order / whitespace properties applied at every nesting level.

const FIXTURES = new URL('../../test/fixtures/rfc8785/', import.meta.url);
const PUBLISHED = ['arrays', 'french', 'structures', 'unicode', 'values', 'weird'];

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof ParmanaError) return `${err.code} ${err.path ?? ''}`;
    throw err;
  }
  return 'no error';
}

function fromIeee754(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

function nested(levels: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}

describe('RFC 8785 published test data (cyberphone/json-canonicalization testdata)', () => {
  it.each(PUBLISHED)('%s: canonicalize(JSON.parse(input)) is the output byte for byte', (name) => {
    const input = readFileSync(new URL(`input/${name}.json`, FIXTURES), 'utf8');
    const output = readFileSync(new URL(`output/${name}.json`, FIXTURES));
    // Published outputs carry no trailing newline: the canonical text is the whole file.
    expect(output.at(-1)).not.toBe(0x0a);
    expect(Buffer.from(canonicalize(JSON.parse(input)), 'utf8').equals(output)).toBe(true);
    expect(hashCanonical(parseJsonStrict(input))).toBe(hashCanonical(JSON.parse(input)));
  });

  it('an earlier upstream revision of values.json (key "escaping", other number order) also matches', () => {
    // testdata/{input,output}/values.json at cyberphone/json-canonicalization@1e2733fc.
    const input =
      '{\n  "numbers": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001],\n' +
      '  "escaping": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n' +
      '  "literals": [null, true, false]\n}';
    const output =
      '{"escaping":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/","literals":[null,true,false],' +
      '"numbers":[1e+30,4.5,333333333.3333333,0.002,1e-27]}';
    expect(canonicalize(JSON.parse(input))).toBe(output);
    expect(canonicalize(parseJsonStrict(input))).toBe(output);
  });

  it('RFC 8785 §3.2.3: property sorting by UTF-16 code units', () => {
    const input =
      '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One",' +
      '"\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control","\\u00f6":"Latin Small Letter O With Diaeresis"}';
    // Read the order from the text: JSON.parse would enumerate the integer-like key "1" first whatever the text.
    const text = canonicalize(parseJsonStrict(input));
    const values = [...text.matchAll(/:"([^"]*)"/g)].map((m) => m[1]);
    expect(text.startsWith('{"\\r":"Carriage Return","1":"One","\u0080":"Control"')).toBe(true);
    expect(values).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
  });
});

describe('RFC 8785 Appendix B: IEEE 754 doubles and their JSON text', () => {
  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('%s serialises as %s (and parses back to the same double)', (hex, text) => {
    const n = fromIeee754(hex);
    expect(canonicalize(n)).toBe(text);
    expect(canonicalize([n])).toBe(`[${text}]`);
    const back = parseJsonStrict(text);
    expect(back === n).toBe(true);
  });

  it.each([
    ['7fffffffffffffff', 'NaN'],
    ['7ff0000000000000', 'Infinity'],
    ['fff0000000000000', '-Infinity'],
  ])('%s (%s) is refused with CAN-001', (hex) => {
    expect(codeOf(() => canonicalize(fromIeee754(hex)))).toBe('CAN-001 $');
  });
});

describe('canonicalize refusals: code and exact path', () => {
  it('CAN-001: NaN and ±Infinity, wherever they are', () => {
    expect(codeOf(() => canonicalize(Number.NaN))).toBe('CAN-001 $');
    expect(codeOf(() => canonicalize({ a: { b: [0, Number.NEGATIVE_INFINITY] } }))).toBe('CAN-001 $.a.b[1]');
    expect(codeOf(() => canonicalize([{ x: Number.POSITIVE_INFINITY }]))).toBe('CAN-001 $[0].x');
  });

  it('CAN-002: a lone surrogate in a value and in a key', () => {
    expect(codeOf(() => canonicalize('\uD83D'))).toBe('CAN-002 $');
    expect(codeOf(() => canonicalize({ v: ['ok', 'a\uDE00'] }))).toBe('CAN-002 $.v[1]');
    expect(codeOf(() => canonicalize({ outer: { ['k\uD800']: 1 } }))).toBe('CAN-002 $.outer.k\uD800');
    // A well-formed pair is fine, in either place.
    expect(canonicalize({ ['\uD83D\uDE02']: '\uD83D\uDE02' })).toBe('{"😂":"😂"}');
    // Reversed pair: two lone surrogates.
    expect(codeOf(() => canonicalize('\uDE02\uD83D'))).toBe('CAN-002 $');
  });

  it('CAN-005: values JSON has no text for, and non-plain objects', () => {
    expect(codeOf(() => canonicalize(undefined))).toBe('CAN-005 $');
    expect(codeOf(() => canonicalize({ f: () => 1 }))).toBe('CAN-005 $.f');
    expect(codeOf(() => canonicalize([Symbol('s')]))).toBe('CAN-005 $[0]');
    expect(codeOf(() => canonicalize({ n: 1n }))).toBe('CAN-005 $.n');
    expect(codeOf(() => canonicalize({ m: new Map() }))).toBe('CAN-005 $.m');
    expect(codeOf(() => canonicalize({ r: /x/ }))).toBe('CAN-005 $.r');
    expect(codeOf(() => canonicalize([Object(1) as unknown]))).toBe('CAN-005 $[0]');
    class Point {
      x = 1;
    }
    expect(codeOf(() => canonicalize(new Point()))).toBe('CAN-005 $');
    // A null-prototype object is plain data.
    const bare = Object.create(null) as Record<string, unknown>;
    bare.b = 1;
    bare.a = 2;
    expect(canonicalize(bare)).toBe('{"a":2,"b":1}');
  });

  it('CAN-005: sparse arrays (holes) are refused at the hole, not written as null', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(codeOf(() => canonicalize([1, , 2]))).toBe('CAN-005 $[1]');
    expect(codeOf(() => canonicalize({ a: [[0], new Array<unknown>(3)] }))).toBe('CAN-005 $.a[1][0]');
    const trailing: unknown[] = [1];
    trailing.length = 2;
    expect(codeOf(() => canonicalize({ t: trailing }))).toBe('CAN-005 $.t[1]');
    // An explicit undefined element is not a hole, and is refused as before; an explicit null is data.
    expect(codeOf(() => canonicalize([1, undefined]))).toBe('CAN-005 $[1]');
    expect(canonicalize([1, null, 2])).toBe('[1,null,2]');
  });

  it('CAN-005: arrays and objects carrying a toJSON method are refused where they are, not replaced', () => {
    const withToJson = <T extends object>(target: T): T =>
      Object.defineProperty(target, 'toJSON', { value: () => 'replaced', enumerable: false });
    expect(codeOf(() => canonicalize({ a: withToJson([1, 2]) }))).toBe('CAN-005 $.a');
    expect(codeOf(() => canonicalize([0, withToJson({ x: 1 })]))).toBe('CAN-005 $[1]');
    expect(codeOf(() => canonicalize(withToJson(Object.create(null) as object)))).toBe('CAN-005 $');
    expect(codeOf(() => canonicalize({ o: { toJSON: () => 1 } }))).toBe('CAN-005 $.o');
    // A member named toJSON holding data is ordinary JSON.
    expect(canonicalize({ toJSON: 1 })).toBe('{"toJSON":1}');
    expect(canonicalize({ toJSON: { toJSON: null } })).toBe('{"toJSON":{"toJSON":null}}');
  });

  it('CAN-006: 64 levels below the root are accepted, 65 are not (and a cycle ends there too)', () => {
    expect(canonicalize(nested(64, 1))).toBe(`${'['.repeat(64)}1${']'.repeat(64)}`);
    expect(codeOf(() => canonicalize(nested(65, 1)))).toBe(`CAN-006 $${'[0]'.repeat(65)}`);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(codeOf(() => canonicalize(cycle))).toMatch(/^CAN-006 \$(\.self)+$/);
  });

  it('parseJsonStrict has the same depth boundary as canonicalize', () => {
    const text = (levels: number): string => `${'['.repeat(levels)}1${']'.repeat(levels)}`;
    expect(canonicalize(parseJsonStrict(text(64)))).toBe(text(64));
    expect(codeOf(() => parseJsonStrict(text(65)))).toBe(`CAN-006 $${'[0]'.repeat(65)}`);
  });
});

/** Rebuilds a JSON value with every object's keys in a permuted order, at every level. */
function permuteKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v, i) => permuteKeys(v, seed + i + 1));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  const rotated = entries.map((_, i) => entries[(i + seed) % entries.length] as [string, unknown]);
  if (seed % 2 === 1) rotated.reverse();
  const out: Record<string, unknown> = {};
  for (const [k, v] of rotated)
    Object.defineProperty(out, k, { value: permuteKeys(v, seed * 7 + 3), enumerable: true, writable: true });
  return out;
}

/** Serialises a JSON value with the given whitespace between every token. */
function spaced(value: unknown, ws: () => string): string {
  if (Array.isArray(value)) return `[${ws()}${value.map((v) => `${spaced(v, ws)}${ws()}`).join(`,${ws()}`)}]`;
  if (typeof value === 'object' && value !== null) {
    const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}${ws()}:${ws()}${spaced(v, ws)}`);
    return `{${ws()}${members.join(`${ws()},${ws()}`)}${ws()}}`;
  }
  return JSON.stringify(value);
}

describe('canonical hash properties', () => {
  it('permuting keys at every level and adding any JSON whitespace never changes the hash', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 5 }),
        fc.nat({ max: 1000 }),
        fc.array(fc.stringMatching(/^[ \t\n\r]{0,3}$/), { minLength: 1, maxLength: 8 }),
        (value, seed, pads) => {
          let i = 0;
          const ws = (): string => pads[i++ % pads.length] ?? '';
          const text = `${ws()}${spaced(permuteKeys(value, seed), ws)}${ws()}`;
          const reparsed = parseJsonStrict(text);
          expect(hashCanonical(reparsed)).toBe(hashCanonical(value));
          expect(canonicalize(reparsed)).toBe(canonicalize(value));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('canonical text is a fixed point: canonicalize(parseJsonStrict(c)) === c, and c is whitespace-free JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const once = canonicalize(value);
        expect(canonicalize(parseJsonStrict(once))).toBe(once);
        expect(JSON.parse(once)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 500 },
    );
  });
});
