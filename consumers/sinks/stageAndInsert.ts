import type { ClientBase } from 'pg';
import { copyRows, type CellValue } from './copyRows.js';

const createdOn = new WeakMap<ClientBase, Set<string>>();
/** Staging tables filled in the connection's open transaction (emptied only at its COMMIT). */
const usedOn = new WeakMap<ClientBase, Set<string>>();

/** After a ROLLBACK: a temp table created in that transaction is gone again, so it is created anew next time. */
export function forgetStagingTables(client: ClientBase): void {
  createdOn.delete(client);
  usedOn.delete(client);
}

/** After a COMMIT: every staging table is empty again (ON COMMIT DELETE ROWS). */
export function stagingDone(client: ClientBase): void {
  usedOn.delete(client);
}

/**
 * COPY into a transaction-local staging table shaped like `target`, then INSERT ... ON CONFLICT DO NOTHING:
 * redelivered records (after a crash before the offset commit) become no-ops instead of duplicates.
 */
export async function stageAndInsert(
  client: ClientBase,
  target: string,
  columns: readonly string[],
  rows: readonly (readonly CellValue[])[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const stage = `stage_${target}`;
  // A temp table lives as long as its connection: created once per connection, not per batch.
  let staged = createdOn.get(client);
  if (staged === undefined) {
    staged = new Set();
    createdOn.set(client, staged);
  }
  if (!staged.has(stage)) {
    await client.query(
      `CREATE TEMP TABLE IF NOT EXISTS ${stage} (LIKE ${target} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`,
    );
    staged.add(stage);
  }
  // Two projections writing one table in one transaction (security events): the second must not insert the
  // first one's staged rows again.
  let used = usedOn.get(client);
  if (used === undefined) {
    used = new Set();
    usedOn.set(client, used);
  }
  if (used.has(stage)) await client.query(`TRUNCATE ${stage}`);
  used.add(stage);
  await copyRows(client, stage, columns, rows);
  const cols = columns.join(', ');
  const result = await client.query(
    `INSERT INTO ${target} (${cols}) SELECT ${cols} FROM ${stage} ON CONFLICT DO NOTHING`,
  );
  return result.rowCount ?? 0;
}
