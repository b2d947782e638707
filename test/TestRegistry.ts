import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../ops/config/config.js';
import { readPid } from '../ops/stack/processes.js';
import { registryPart } from '../ops/stack/registryPart.js';
import type { StackContext } from '../ops/stack/StackPart.js';
import { testDatabaseCredentials } from './testDatabase.js';

/**
 * A test's own schema registry (the stack's Apicurio jar) on a spare port, keeping its schemas in a database of the
 * given Postgres server: outage tests restart it, or its database, without touching the shared registry.
 */
export class TestRegistry {
  readonly port = 18_100 + Math.floor(Math.random() * 800);
  readonly url = `http://127.0.0.1:${this.port}/apis/ccompat/v7`;
  private readonly ctx: StackContext;

  constructor(private readonly databaseServerUrl: string) {
    const config = loadConfig(
      {
        ...process.env,
        SCHEMA_REGISTRY_URL: this.url,
        DATABASE_URL: databaseServerUrl.replace(/\/[^/]*$/, '/parmana'),
      },
      'stack',
    );
    this.ctx = {
      config,
      root: process.cwd(),
      stackDir: mkdtempSync(join(tmpdir(), 'registry-test-')),
      cacheDir: join(process.cwd(), 'ops/.cache'),
      print: () => undefined,
    };
  }

  /** Creates its database if needed and starts it; resolves once it answers. */
  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseServerUrl });
    await client.connect();
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = 'parmana_registry'");
    // Owned by the registry's role, which it logs in as (PARMANA_REGISTRY_DATABASE_CREDENTIALS).
    const owner = testDatabaseCredentials('REGISTRY')?.username;
    if (exists.rowCount === 0)
      await client.query(
        `CREATE DATABASE parmana_registry${owner === undefined ? '' : ` OWNER ${client.escapeIdentifier(owner)}`}`,
      );
    await client.end();
    await registryPart.up(this.ctx);
  }

  /** kill -9: the registry vanishes mid-request, as a crashed process would. */
  kill(): void {
    const pid = readPid(join(this.ctx.stackDir, 'schema-registry', 'registry.pid'));
    if (pid !== undefined) process.kill(pid, 'SIGKILL');
  }

  async stop(): Promise<void> {
    await registryPart.down(this.ctx);
  }
}
