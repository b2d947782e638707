import type { PoolClient } from 'pg';
import { copyRows, type CellValue } from './copyRows.js';

/**
 * COPY into a transaction-local staging table shaped like `target`, then INSERT ... ON CONFLICT DO NOTHING:
 * redelivered records (after a crash before the offset commit) become no-ops instead of duplicates.
 */
export async function stageAndInsert(
  client: PoolClient,
  target: string,
  columns: readonly string[],
  rows: readonly (readonly CellValue[])[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const stage = `stage_${target}`;
  await client.query(
    `CREATE TEMP TABLE IF NOT EXISTS ${stage} (LIKE ${target} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`,
  );
  await copyRows(client, stage, columns, rows);
  const cols = columns.join(', ');
  const result = await client.query(
    `INSERT INTO ${target} (${cols}) SELECT ${cols} FROM ${stage} ON CONFLICT DO NOTHING`,
  );
  return result.rowCount ?? 0;
}
