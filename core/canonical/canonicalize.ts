import stringify from 'fast-json-stable-stringify';
import { ParmanaError } from '../errors/ParmanaError.js';

const MAX_DEPTH = 64;

/** Lone surrogate: a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What fast-json-stable-stringify checks before serialising an object: a callable toJSON, own or inherited. */
function hasToJson(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

function assertCanonicalizable(value: unknown, path: string, depth: number): void {
  if (depth > MAX_DEPTH) throw new ParmanaError('CAN-006', { path });
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ParmanaError('CAN-001', { path });
    return;
  }
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) throw new ParmanaError('CAN-002', { path });
    return;
  }
  if (typeof value === 'object' && hasToJson(value)) {
    // The serialiser would write whatever toJSON returns instead of the value itself.
    throw new ParmanaError('CAN-005', { path, detail: 'a value with a toJSON method is not plain data' });
  }
  if (Array.isArray(value)) {
    // Index by index: forEach skips holes, which the serialiser would silently write as null.
    for (let i = 0; i < value.length; i++) {
      const itemPath = `${path}[${i}]`;
      if (!Object.hasOwn(value, i)) throw new ParmanaError('CAN-005', { path: itemPath, detail: 'array hole' });
      assertCanonicalizable(value[i], itemPath, depth + 1);
    }
    return;
  }
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new ParmanaError('CAN-005', { path, detail: 'only plain objects are canonicalized' });
    }
    for (const [key, item] of Object.entries(value)) {
      const childPath = `${path}.${key}`;
      if (LONE_SURROGATE.test(key)) throw new ParmanaError('CAN-002', { path: childPath });
      assertCanonicalizable(item, childPath, depth + 1);
    }
    return;
  }
  throw new ParmanaError('CAN-005', { path, detail: typeof value });
}

/**
 * RFC 8785 (JCS) canonical JSON text. Keys are sorted by UTF-16 code units (fast-json-stable-stringify's order,
 * which is JCS's), numbers and strings are serialised as ECMAScript's JSON.stringify does (JCS's rule).
 * Values JCS cannot represent are refused rather than silently changed.
 */
export function canonicalize(value: unknown): string {
  assertCanonicalizable(value, '$', 0);
  return stringify(value);
}

/** Canonical JSON as UTF-8 bytes: what gets hashed and signed. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalize(value), 'utf8');
}
