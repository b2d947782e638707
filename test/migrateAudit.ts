import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../ops/db/migrate.js';
import { testDatabaseUrl } from './testDatabase.js';

const MIGRATIONS = 'ops/migrations';

/**
 * Migrates a test database with the product's migrations (the composition root's job, handed to the tests of lower
 * floors from here), as the owner role like `provision`. `before`: only the files whose name sorts before it, to
 * test what a later one does to data.
 */
export async function migrateAudit(databaseUrl: string, o: { before?: string } = {}): Promise<void> {
  const url = testDatabaseUrl(databaseUrl, 'OWNER');
  const before = o.before;
  if (before === undefined) {
    await migrate(url, MIGRATIONS);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'parmana-migrations-'));
  try {
    for (const f of readdirSync(MIGRATIONS).filter((f) => f < before)) copyFileSync(join(MIGRATIONS, f), join(dir, f));
    await migrate(url, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
