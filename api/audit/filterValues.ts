import { ParmanaError } from '../../core/errors/ParmanaError.js';

function invalid(name: string, detail: string): ParmanaError {
  return new ParmanaError('API-011', { path: `$.${name}`, detail });
}

/**
 * A text filter as a bound value. Any string is a legitimate value that simply matches nothing, except NUL, which
 * Postgres text cannot hold: it would fail the query as a server error, so it is reported as a bad filter instead.
 */
export function textFilter(name: string, value: string): string {
  if (value.includes('\u0000')) throw invalid(name, 'contains NUL');
  return value;
}

// RFC 3339 as the route schema's `date-time` format accepts it (t or space, z, leap second, +hh offsets), so the two
// layers never disagree; the fraction is capped only to bound the string.
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,20})?)?(?:[Zz]|[+-](\d{2})(?::?(\d{2}))?)$/;

/**
 * A from/to bound, passed to Postgres as the caller wrote it. The offset is required so the instant does not depend
 * on the session time zone, and the fields are range-checked here because Date.parse accepts 30 February while
 * Postgres raises a data error (a 500 instead of a 400).
 */
export function timeFilter(name: string, value: string): string {
  const m = ISO.exec(value);
  if (m === null) throw invalid(name, 'not an ISO timestamp with an offset');
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, offHour = 0, offMinute = 0] = m
    .slice(1)
    .map((v: string | undefined) => Number(v ?? 0));
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  const ok =
    year >= 1 &&
    day >= 1 &&
    day <= days &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 60 &&
    offHour <= 15 &&
    offMinute <= 59;
  if (!ok) throw invalid(name, 'timestamp out of range');
  return value;
}
