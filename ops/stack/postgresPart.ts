import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { ensureCredentials } from '../credentials/ensureCredentials.js';
import { ensureRoles } from '../db/ensureRoles.js';
import { withCredentials } from '../runtime/databaseConnection.js';
import { ensureCommand } from './prerequisites.js';
import { registryDatabaseUrl } from './registryDatabase.js';
import type { PartStatus, StackContext, StackPart } from './StackPart.js';
import { hostPort, StackError, tcpOpen } from './waitFor.js';

/**
 * The stack's own Postgres cluster (initdb under the stack folder, like its own Redis): the machine's server trusts
 * every local connection, so roles would mean nothing there. Every role, the superuser included, logs in with
 * scram-sha-256; it listens on 127.0.0.1 at DATABASE_URL's port and on a socket in its own folder only.
 */
function paths(ctx: Pick<StackContext, 'stackDir'>) {
  const dir = join(ctx.stackDir, 'postgres');
  return { dir, data: join(dir, 'data'), log: join(dir, 'postgres.log'), pwfile: join(dir, 'pwfile') };
}

/** Debian installs the server programs outside PATH: the newest /usr/lib/postgresql/<version>/bin. */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(a) - Number(b))
    : [];
  const version = versions.at(-1);
  if (version === undefined) throw new StackError('postgres', `no initdb under ${root}/<version>/bin`);
  return join(root, version, 'bin');
}

/** Postgres refuses to run as root: as root the cluster belongs to, and runs as, the `postgres` system user. */
function systemUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (r.status !== 0 || g.status !== 0) {
    throw new StackError('postgres', 'running as root needs the postgres system user (package postgresql)');
  }
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/**
 * As root, the `postgres` user must be able to reach the stack folder: a checkout under a private directory (a
 * `mktemp -d` clone, 0700) blocks it. Each ancestor that others cannot traverse gets search permission only (o+x:
 * no listing, no reading); returns the directories changed.
 */
function letSystemUserReach(dir: string): string[] {
  if (systemUser() === undefined) return [];
  const changed: string[] = [];
  for (let d = dirname(resolve(dir)); ; d = dirname(d)) {
    const mode = statSync(d).mode;
    if ((mode & 0o001) === 0) {
      chmodSync(d, (mode & 0o7777) | 0o001);
      changed.push(d);
    }
    if (dirname(d) === d) break;
  }
  return changed;
}

function run(program: string, args: readonly string[]): { status: number | null; output: string } {
  const user = systemUser();
  // As the postgres user, from `/`: the caller's working directory may be one it cannot enter.
  const r = spawnSync(program, [...args], {
    encoding: 'utf8',
    ...(user === undefined ? {} : { uid: user.uid, gid: user.gid, cwd: '/' }),
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

function owned(path: string): void {
  const user = systemUser();
  if (user !== undefined) chownSync(path, user.uid, user.gid);
}

function initCluster(ctx: StackContext, adminPassword: string, adminUser: string, port: number): void {
  const p = paths(ctx);
  mkdirSync(p.dir, { recursive: true, mode: 0o700 });
  owned(p.dir);
  // The superuser's password reaches initdb through a 0600 file that is deleted at once.
  writeFileSync(p.pwfile, `${adminPassword}\n`, { mode: 0o600 });
  owned(p.pwfile);
  try {
    const r = run(join(binDir(), 'initdb'), [
      '-D',
      p.data,
      '-U',
      adminUser,
      `--pwfile=${p.pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
    ]);
    if (r.status !== 0) throw new StackError('postgres', `initdb failed: ${r.output}`);
  } finally {
    rmSync(p.pwfile, { force: true });
  }
  writeFileSync(
    join(p.data, 'postgresql.conf'),
    [
      '',
      '# parmana stack',
      "listen_addresses = '127.0.0.1'",
      `port = ${port}`,
      `unix_socket_directories = '${p.dir}'`,
      "password_encryption = 'scram-sha-256'",
      'max_connections = 200',
      "log_statement = 'none'",
      '',
    ].join('\n'),
    { flag: 'a' },
  );
  // Every connection, local socket included, authenticates: no trust, no peer.
  writeFileSync(
    join(p.data, 'pg_hba.conf'),
    ['local all all scram-sha-256', 'host all all 127.0.0.1/32 scram-sha-256', ''].join('\n'),
  );
  owned(join(p.data, 'pg_hba.conf'));
}

function running(ctx: StackContext): boolean {
  const p = paths(ctx);
  return existsSync(join(p.data, 'PG_VERSION')) && run(join(binDir(), 'pg_ctl'), ['status', '-D', p.data]).status === 0;
}

function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

/** Creates each missing database and gives it to its owner role; CREATE DATABASE cannot run in a transaction. */
async function ensureDatabases(
  client: pg.Client,
  databases: readonly { name: string; owner: string }[],
): Promise<string[]> {
  const created: string[] = [];
  for (const { name, owner } of databases) {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
        created.push(name);
      } catch (err) {
        if ((err as { code?: string }).code !== '42P04') throw err; // duplicate_database: someone else made it
      }
    }
    await client.query(`ALTER DATABASE ${client.escapeIdentifier(name)} OWNER TO ${client.escapeIdentifier(owner)}`);
  }
  return created;
}

/** The admin (superuser) login to the cluster's maintenance database. */
function adminUrl(ctx: StackContext, admin: { username: string; password: string }): string {
  const u = new URL(withCredentials(ctx.config.databaseUrl, admin));
  u.pathname = '/postgres';
  return u.toString();
}

export const postgresPart: StackPart = {
  name: 'postgres',

  async up(ctx) {
    const url = ctx.config.databaseUrl;
    const { host, port } = hostPort(url, 5432);
    if (host !== '127.0.0.1' && host !== 'localhost') {
      throw new StackError('postgres', `DATABASE_URL must name 127.0.0.1 for the stack's own cluster, not ${host}`);
    }
    ensureCommand('postgres', 'psql', 'postgresql', ctx.print);
    const { credentials } = ensureCredentials(ctx.root, (p) => p.component === 'postgres');
    const admin = credentials.get('postgres-admin');
    if (admin === undefined) throw new StackError('postgres', 'no postgres-admin principal');
    const p = paths(ctx);
    mkdirSync(p.dir, { recursive: true, mode: 0o700 });
    const opened = letSystemUserReach(p.dir);
    if (opened.length > 0) ctx.print(`postgres: the postgres user may now traverse (o+x) ${opened.join(', ')}`);
    let detail: string;
    if (!existsSync(join(p.data, 'PG_VERSION'))) {
      initCluster(ctx, admin.password, admin.username, port);
      detail = 'initialised';
    } else detail = 'present';
    if (running(ctx)) detail += ', already running';
    else {
      if (await tcpOpen(host, port)) {
        throw new StackError('postgres', `port ${port} is taken by a process this stack did not start`);
      }
      const r = run(join(binDir(), 'pg_ctl'), ['start', '-D', p.data, '-l', p.log, '-w', '-t', '60']);
      if (r.status !== 0) throw new StackError('postgres', `pg_ctl start failed: ${r.output} (log ${p.log})`);
      detail += ', started';
    }
    const client = new pg.Client({ connectionString: adminUrl(ctx, admin), connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      const roles = [...credentials.values()].filter((c) => c.process !== 'admin');
      const createdRoles = await ensureRoles(client, roles);
      const ownerOf = (process: string): string => credentials.get(`postgres-${process}`)?.username ?? '';
      const databases = [
        { name: databaseName(url), owner: ownerOf('owner') },
        { name: registryDatabaseUrl(url).name, owner: ownerOf('registry') },
      ];
      const created = await ensureDatabases(client, databases);
      return `own cluster ${p.data} on ${host}:${port} (scram-sha-256), ${detail}; roles ${roles.map((r) => r.username).join(', ')}${createdRoles.length > 0 ? ` (created ${createdRoles.join(', ')})` : ''}; databases ${databases.map((d) => `${d.name} (owner ${d.owner})`).join(', ')}${created.length > 0 ? ` (created ${created.join(', ')})` : ''}`;
    } finally {
      await client.end();
    }
  },

  down(ctx) {
    const p = paths(ctx);
    if (!existsSync(join(p.data, 'PG_VERSION')) || !running(ctx)) return Promise.resolve('not running');
    const r = run(join(binDir(), 'pg_ctl'), ['stop', '-D', p.data, '-m', 'fast', '-w', '-t', '60']);
    if (r.status !== 0) throw new StackError('postgres', `pg_ctl stop failed: ${r.output}`);
    return Promise.resolve('stopped');
  },

  async status(ctx): Promise<PartStatus> {
    const p = paths(ctx);
    if (!existsSync(join(p.data, 'PG_VERSION'))) return { running: false, detail: `no cluster at ${p.data}` };
    if (!running(ctx)) return { running: false, detail: `cluster ${p.data} stopped (log ${p.log})` };
    const admin = ensureCredentials(
      ctx.root,
      (q) => q.component === 'postgres' && q.process === 'admin',
    ).credentials.get('postgres-admin');
    const url = new URL(withCredentials(ctx.config.databaseUrl, admin ?? { username: '', password: '' }));
    const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return { running: true, detail: `own cluster ${p.data}, database ${databaseName(url.toString())} answers` };
    } catch (err) {
      return { running: false, detail: err instanceof Error ? err.message : String(err) };
    } finally {
      await client.end().catch(() => undefined);
    }
  },
};
