import { ParmanaError } from '../../core/errors/ParmanaError.js';

/** The listings that page by keyset; a cursor names its listing so one cannot be replayed against another. */
export type CursorKind = 'decisions' | 'securityEvents' | 'overrides' | 'verifications' | 'apiCalls';

const KINDS: ReadonlySet<string> = new Set<CursorKind>([
  'decisions',
  'securityEvents',
  'overrides',
  'verifications',
  'apiCalls',
]);

/**
 * The last row's sort key. `at` keeps Postgres's microseconds (`…T12:00:00.123456Z`): a JS Date would cut them to
 * milliseconds and the next page would skip rows sharing the same millisecond.
 */
export interface CursorKey {
  readonly at: string;
  readonly id: string;
}

const MAX_CURSOR_CHARS = 2048;
const MAX_ID_CHARS = 1024;
const AT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{6})Z$/;

function invalid(detail: string): ParmanaError {
  return new ParmanaError('API-011', { path: '$.cursor', detail });
}

/** True for a real UTC instant in the exact shape Postgres produced: no 30 February, no hour 24. */
function isMicrosIso(at: string): boolean {
  const m = AT.exec(at);
  if (m === null) return false;
  const millis = at.slice(0, 23) + 'Z';
  const date = new Date(millis);
  return !Number.isNaN(date.getTime()) && date.toISOString() === millis;
}

export function encodeCursor(kind: CursorKind, key: CursorKey): string {
  return Buffer.from(JSON.stringify([kind, key.at, key.id]), 'utf8').toString('base64url');
}

/** Decodes a cursor from a query string; anything but a cursor this codec wrote for `kind` is API-011. */
export function decodeCursor(kind: CursorKind, cursor: string): CursorKey {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_CHARS) throw invalid('empty or too long');
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid('not base64url');
  const bytes = Buffer.from(cursor, 'base64url');
  // Node's decoder ignores stray trailing bits; re-encoding catches them, so one key has exactly one cursor.
  if (bytes.toString('base64url') !== cursor) throw invalid('not canonical base64url');
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw invalid('not JSON');
  }
  if (!Array.isArray(value) || value.length !== 3) throw invalid('wrong shape');
  const [k, at, id] = value as unknown[];
  if (typeof k !== 'string' || !KINDS.has(k)) throw invalid('unknown listing');
  if (k !== kind) throw invalid(`a ${k} cursor used for ${kind}`);
  if (typeof at !== 'string' || !isMicrosIso(at)) throw invalid('bad timestamp');
  // Postgres text cannot hold NUL: let it through and the query fails as a server error instead of a bad filter.
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_CHARS || id.includes('\u0000'))
    throw invalid('bad id');
  return { at, id };
}
