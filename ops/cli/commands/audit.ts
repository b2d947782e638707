import { isAbsolute, join } from 'node:path';
import pg from 'pg';
import { PgLogStore } from '../../../api/log/PgLogStore.js';
import { BundlePolicyResolver } from '../../../consumers/worker/BundlePolicyResolver.js';
import { rederive } from '../../audit/rederive.js';
import { loadConfig } from '../../config/config.js';
import { loadTrustRoot } from '../../trust/trustFiles.js';
import { option, UsageError } from '../args.js';
import type { Command } from '../command.js';
import { databaseUrlAs } from '../../runtime/databaseConnection.js';

function index(args: readonly string[], name: string): number | undefined {
  const raw = option(args, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`${name} is a log index (0, 1, ...)`);
  return Number(raw);
}

const rederiveCommand: Command = {
  path: ['audit', 'rederive'],
  usage: 'audit rederive [--from <index>] [--to <index>]',
  summary: 'Decide logged decisions [from, to) again from their stored requests and bundles; compare byte for byte',
  async run(args, io) {
    // The audit database is required, as for the sinks.
    const config = loadConfig(io.env, 'sink');
    const abs = (p: string): string => (isAbsolute(p) ? p : join(io.cwd, p));
    const trustRoot = loadTrustRoot(abs(config.trustDir));
    // Reads only: as the API's read-only role.
    const pool = new pg.Pool({ connectionString: databaseUrlAs(config, 'api', io.cwd), max: 2 });
    try {
      const reader = new PgLogStore(pool);
      const from = index(args, '--from') ?? 0;
      const to = index(args, '--to') ?? (await reader.size());
      if (to < from) throw new UsageError('--to must not be below --from');
      const resolver = new BundlePolicyResolver(abs(config.policiesDir), trustRoot, () => Date.now());
      const summary = await rederive({
        reader,
        pool,
        policy: (id, version) => resolver.resolve(id, version),
        from,
        to,
        print: io.stdout,
      });
      io.stdout(
        `rederived log entries [${from}, ${to}): ${summary.checked} decisions, ${summary.matched} identical, ` +
          `${summary.mismatched} mismatched, ${summary.skipped} rejections/overrides skipped`,
      );
      return summary.mismatched === 0 ? 0 : 1;
    } finally {
      await pool.end();
    }
  },
};

/** `parmana audit rederive`. */
export const auditCommands: readonly Command[] = [rederiveCommand];
