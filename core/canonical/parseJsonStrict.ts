import { ParmanaError } from '../errors/ParmanaError.js';

const MAX_DEPTH = 64;
const WS = /[ \t\n\r]*/y;
// eslint-disable-next-line no-control-regex -- JSON forbids raw control characters inside strings; this is the check.
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * JSON.parse that refuses what RFC 8785 cannot represent: duplicate object keys (JSON.parse silently keeps the
 * last one, so two parties could read different values from one text) and lone surrogates in strings.
 * Errors carry the JSON path of the offending part.
 */
export function parseJsonStrict(text: string): unknown {
  let pos = 0;

  const fail = (
    code: 'CAN-001' | 'CAN-002' | 'CAN-003' | 'CAN-004' | 'CAN-006',
    path: string,
    detail: string,
  ): never => {
    throw new ParmanaError(code, { path, detail });
  };

  const skipWs = (): void => {
    WS.lastIndex = pos;
    WS.exec(text);
    pos = WS.lastIndex;
  };

  const parseString = (path: string): string => {
    STRING.lastIndex = pos;
    const m = STRING.exec(text);
    if (m === null) return fail('CAN-004', path, `invalid string at offset ${pos}`);
    pos = STRING.lastIndex;
    const s = JSON.parse(m[0]) as string;
    if (LONE_SURROGATE.test(s)) fail('CAN-002', path, `at offset ${pos - m[0].length}`);
    return s;
  };

  const parseValue = (path: string, depth: number): unknown => {
    if (depth > MAX_DEPTH) fail('CAN-006', path, `more than ${MAX_DEPTH} levels`);
    skipWs();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const obj: Record<string, unknown> = {};
      const seen = new Set<string>();
      skipWs();
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      for (;;) {
        skipWs();
        if (text[pos] !== '"') fail('CAN-004', path, `expected a key at offset ${pos}`);
        const key = parseString(path);
        const childPath = `${path}.${key}`;
        if (seen.has(key)) fail('CAN-003', childPath, `key ${JSON.stringify(key)} appears more than once`);
        seen.add(key);
        skipWs();
        if (text[pos] !== ':') fail('CAN-004', childPath, `expected ':' at offset ${pos}`);
        pos++;
        const value = parseValue(childPath, depth + 1);
        // defineProperty keeps "__proto__" an ordinary own key instead of replacing the prototype.
        Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
        skipWs();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return obj;
        }
        return fail('CAN-004', path, `expected ',' or '}' at offset ${pos}`);
      }
    }
    if (c === '[') {
      pos++;
      const arr: unknown[] = [];
      skipWs();
      if (text[pos] === ']') {
        pos++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue(`${path}[${arr.length}]`, depth + 1));
        skipWs();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return arr;
        }
        return fail('CAN-004', path, `expected ',' or ']' at offset ${pos}`);
      }
    }
    if (c === '"') return parseString(path);
    if (text.startsWith('true', pos)) {
      pos += 4;
      return true;
    }
    if (text.startsWith('false', pos)) {
      pos += 5;
      return false;
    }
    if (text.startsWith('null', pos)) {
      pos += 4;
      return null;
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (m === null)
      return fail(
        'CAN-004',
        path,
        `unexpected ${c === undefined ? 'end of input' : JSON.stringify(c)} at offset ${pos}`,
      );
    pos = NUMBER.lastIndex;
    const n = Number(m[0]);
    if (!Number.isFinite(n)) fail('CAN-001', path, `${m[0]} overflows a double`);
    return n;
  };

  const value = parseValue('$', 0);
  skipWs();
  if (pos !== text.length) fail('CAN-004', '$', `unexpected data after the value at offset ${pos}`);
  return value;
}
