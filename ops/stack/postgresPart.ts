import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { commandExists, ensureCommand } from './prerequisites.js';
import { registryDatabaseUrl } from './registryDatabase.js';
import type { PartStatus, StackPart } from './StackPart.js';
import { hostPort, StackError, tcpOpen, waitFor } from './waitFor.js';

function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

function adminUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

/** Creates each missing database; CREATE DATABASE cannot run in a transaction, and a concurrent creator is fine. */
async function ensureDatabases(databaseUrl: string, names: readonly string[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: adminUrl(databaseUrl), connectionTimeoutMillis: 5000 });
  await client.connect();
  const created: string[] = [];
  try {
    for (const name of names) {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount !== 0) continue;
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
        created.push(name);
      } catch (err) {
        if ((err as { code?: string }).code !== '42P04') throw err; // duplicate_database: someone else made it
      }
    }
  } finally {
    await client.end();
  }
  return created;
}

/** Starts the machine's Postgres cluster when it is installed but down (Debian's pg_ctlcluster), as root only. */
function startInstalledServer(print: (line: string) => void): void {
  const versions = (() => {
    try {
      return readdirSync('/etc/postgresql');
    } catch {
      return [];
    }
  })();
  const version = versions.sort().at(-1);
  const command = `pg_ctlcluster --skip-systemctl-redirect ${version ?? '<version>'} main start`;
  if (version === undefined || !commandExists('pg_ctlcluster') || process.getuid?.() !== 0) {
    throw new StackError('postgres', `the server is not running. Start it with: ${command}`);
  }
  print(`postgres: starting the installed server: ${command}`);
  const r = spawnSync('sh', ['-c', command], { encoding: 'utf8' });
  if (r.status !== 0) throw new StackError('postgres', `${command} failed: ${r.stderr.trim()}`);
}

export const postgresPart: StackPart = {
  name: 'postgres',

  async up(ctx) {
    const url = ctx.config.databaseUrl;
    const { host, port } = hostPort(url, 5432);
    if (!(await tcpOpen(host, port))) {
      ensureCommand('postgres', 'psql', 'postgresql', ctx.print);
      startInstalledServer(ctx.print);
      await waitFor('postgres', () => tcpOpen(host, port), { timeoutMs: 30_000 });
    }
    const names = [databaseName(url), registryDatabaseUrl(url).name];
    const created = await ensureDatabases(url, names).catch((err: unknown) => {
      throw new StackError(
        'postgres',
        `cannot reach ${host}:${port}: ${err instanceof Error ? err.message : String(err)}`,
      );
    });
    return `server on ${host}:${port} (not managed by the stack); databases ${names.join(', ')}${created.length > 0 ? ` (created ${created.join(', ')})` : ' present'}`;
  },

  // The server belongs to the machine: `down` never stops it.
  down() {
    return Promise.resolve('left running (the machine owns it)');
  },

  async status(ctx): Promise<PartStatus> {
    const client = new pg.Client({ connectionString: ctx.config.databaseUrl, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return { running: true, detail: `database ${databaseName(ctx.config.databaseUrl)} answers` };
    } catch (err) {
      return { running: false, detail: err instanceof Error ? err.message : String(err) };
    } finally {
      await client.end().catch(() => undefined);
    }
  },
};
