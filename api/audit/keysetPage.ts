import type { Pool } from 'pg';
import type { Page } from '../contract.js';
import { decodeCursor, encodeCursor, type CursorKind } from './cursor.js';
import { pageLimit } from './pageLimit.js';
import type { SqlWhere } from './SqlWhere.js';

/** The sort key of each listing: fixed columns, each backed by a (time DESC, id DESC)-ordered index or scan. */
const SORT_KEYS = {
  decisions: { at: 'd.requested_at', id: 'd.execution_id' },
  overrides: { at: 'd.requested_at', id: 'd.execution_id' },
  securityEvents: { at: 'e.occurred_at', id: 'e.event_id' },
  verifications: { at: 'v.verified_at', id: 'v.verification_id' },
  apiCalls: { at: 'c.at', id: 'c.request_id' },
} as const satisfies Record<CursorKind, { at: string; id: string }>;

export interface KeysetQuery<R, T> {
  readonly kind: CursorKind;
  /** Fixed select list and FROM clause using the aliases of SORT_KEYS; never any input. */
  readonly select: string;
  readonly from: string;
  /** The listing's filters, made for this one query: the cursor condition and the limit are added to it. */
  readonly where: SqlWhere;
  readonly limit: number | undefined;
  readonly cursor: string | undefined;
  readonly map: (row: R) => T;
}

interface CursorColumns {
  readonly cursor_at: string;
  readonly cursor_id: string;
}

/**
 * One page in (time DESC, id DESC) order, continuing strictly after the cursor's row. The id breaks ties between rows
 * sharing a timestamp, so every row is returned exactly once across pages. One extra row is read to know whether
 * another page exists, so the last page has nextCursor null rather than pointing at an empty page.
 */
export async function keysetPage<R extends object, T>(pool: Pool, q: KeysetQuery<R, T>): Promise<Page<T>> {
  const { at, id } = SORT_KEYS[q.kind];
  const { where } = q;
  const { params } = where;
  if (q.cursor !== undefined) {
    const key = decodeCursor(q.kind, q.cursor);
    where.add(`(${at}, ${id}) < (${params.ref(key.at)}::timestamptz, ${params.ref(key.id)}::text)`);
  }
  const limit = pageLimit(q.limit);
  const text = `SELECT ${q.select},
      to_char(${at} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at, ${id} AS cursor_id
    FROM ${q.from}
    ${where.clause}
    ORDER BY ${at} DESC, ${id} DESC
    LIMIT ${params.ref(limit + 1)}`;
  const { rows } = await pool.query<R & CursorColumns>(text, params.values);
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor =
    rows.length > limit && last !== undefined ? encodeCursor(q.kind, { at: last.cursor_at, id: last.cursor_id }) : null;
  return { items: items.map(q.map), nextCursor };
}
