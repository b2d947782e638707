import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export type CellValue = string | number | boolean | Buffer | null;

/** One CSV field: NULL is an unquoted empty field, everything else is quoted (quotes doubled), bytea as hex. */
function csvField(v: CellValue): string {
  if (v === null) return '';
  const text = Buffer.isBuffer(v) ? `\\x${v.toString('hex')}` : String(v);
  return `"${text.replaceAll('"', '""')}"`;
}

export function csvLine(row: readonly CellValue[]): string {
  return `${row.map(csvField).join(',')}\n`;
}

// Rows are joined into chunks of about this size: one COPY data message (one socket write) per chunk, not per row.
const CHUNK_CHARS = 256 * 1024;

function* chunked(rows: readonly (readonly CellValue[])[]): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    chunk += csvLine(row);
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/** Streams rows into `table` with COPY (CSV), the fastest bulk path into Postgres. */
export async function copyRows(
  client: ClientBase,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly CellValue[])[],
): Promise<void> {
  if (rows.length === 0) return;
  const sql = `COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`;
  await pipeline(Readable.from(chunked(rows)), client.query(copyFrom(sql)));
}
