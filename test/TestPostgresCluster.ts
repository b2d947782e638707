import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ensureCredentials } from '../ops/credentials/ensureCredentials.js';
import { ensureRoles } from '../ops/db/ensureRoles.js';

// The newest installed server binaries (Debian keeps them per major version).
const BIN = (
  spawnSync('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1'], { encoding: 'utf8' }).stdout || ''
).trim();
const asRoot = process.getuid?.() === 0;

/**
 * A test's own Postgres server (initdb on a spare port, trust auth): outage tests stop and restart it without ever
 * touching the stack's server that every other test uses. It has the product's roles (the superuser named as the
 * stack's admin), so every process logs in as its own role here too; trust ignores their passwords.
 */
export class TestPostgresCluster {
  readonly port = 15_000 + Math.floor(Math.random() * 900);
  private readonly dir = mkdtempSync(join(tmpdir(), 'pg-test-'));
  private readonly data = join(this.dir, 'data');
  private readonly credentials = ensureCredentials(process.cwd(), (p) => p.component === 'postgres').credentials;
  private readonly admin = this.credentials.get('postgres-admin')?.username ?? 'postgres';

  /** postgres://… URL of a database on this server. */
  url(database = 'postgres'): string {
    return `postgres://${encodeURIComponent(this.admin)}@127.0.0.1:${this.port}/${database}`;
  }

  // initdb and postgres refuse to run as root: run them as the postgres user when we are root.
  private pg(cmd: string, ...args: string[]): { status: number | null; out: string } {
    const full = [join(BIN, cmd), ...args];
    const r = asRoot
      ? spawnSync('runuser', ['-u', 'postgres', '--', ...full], { encoding: 'utf8' })
      : spawnSync(full[0] ?? '', full.slice(1), { encoding: 'utf8' });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  }

  async init(): Promise<void> {
    if (asRoot) {
      chmodSync(this.dir, 0o777);
      chownSync(
        this.dir,
        Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()),
        Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim()),
      );
    }
    const init = this.pg('initdb', '-D', this.data, '-A', 'trust', '-U', this.admin, '--no-sync');
    if (init.status !== 0) throw new Error(`initdb failed: ${init.out}`);
    this.start();
    const client = new pg.Client({ connectionString: this.url() });
    await client.connect();
    try {
      await ensureRoles(
        client,
        [...this.credentials.values()].filter((c) => c.process !== 'admin'),
      );
    } finally {
      await client.end();
    }
  }

  running(): boolean {
    return this.pg('pg_ctl', '-D', this.data, 'status').status === 0;
  }

  start(): void {
    if (this.running()) return;
    const r = this.pg(
      'pg_ctl',
      '-D',
      this.data,
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`,
      '-l',
      join(this.dir, 'pg.log'),
      '-w',
      'start',
    );
    if (r.status !== 0) throw new Error(`pg_ctl start failed: ${r.out}`);
  }

  /** Fast shutdown: open connections are terminated, as an operator's restart would. */
  stop(): void {
    this.pg('pg_ctl', '-D', this.data, '-m', 'fast', '-w', 'stop');
  }

  restart(): void {
    const r = this.pg('pg_ctl', '-D', this.data, '-m', 'fast', '-w', 'restart');
    if (r.status !== 0) throw new Error(`pg_ctl restart failed: ${r.out}`);
  }

  destroy(): void {
    this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
