import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
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

/** Streams rows into `table` with COPY (CSV), the fastest bulk path into Postgres. */
export async function copyRows(
  client: PoolClient,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly CellValue[])[],
): Promise<void> {
  if (rows.length === 0) return;
  const sql = `COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`;
  await pipeline(Readable.from(rows.map(csvLine)), client.query(copyFrom(sql)));
}
