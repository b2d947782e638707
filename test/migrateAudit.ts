import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../ops/db/migrate.js';

const MIGRATIONS = 'ops/migrations';

/**
 * Migrates a test database with the product's migrations (the composition root's job, handed to the tests of lower
 * floors from here). `before`: only the files whose name sorts before it, to test what a later one does to data.
 */
export async function migrateAudit(url: string, o: { before?: string } = {}): Promise<void> {
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
