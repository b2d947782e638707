import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fetchApicurio } from './artifacts.js';
import { ensureCommand } from './prerequisites.js';
import { isOurProcess, readPid, spawnDetached, stopRecorded } from './processes.js';
import { databaseUrlAs } from '../runtime/databaseConnection.js';
import { registryDatabaseUrl } from './registryDatabase.js';
import type { PartStatus, StackContext, StackPart } from './StackPart.js';
import { hostPort, StackError, tcpOpen, waitFor } from './waitFor.js';

const MARKER = 'apicurio-registry-app';

function paths(ctx: Pick<StackContext, 'stackDir'>) {
  const dir = join(ctx.stackDir, 'schema-registry');
  return { dir, log: join(dir, 'registry.log'), pid: join(dir, 'registry.pid') };
}

async function compatibility(baseUrl: string): Promise<string | undefined> {
  const res = await fetch(`${baseUrl}/config`, { signal: AbortSignal.timeout(2000) });
  if (!res.ok) return undefined;
  const body = (await res.json()) as { compatibilityLevel?: string };
  return body.compatibilityLevel;
}

/**
 * @kafkajs/confluent-schema-registry registers under BACKWARD compatibility; Apicurio starts with NONE, so the
 * global rule is set explicitly (idempotent).
 */
async function setBackward(baseUrl: string): Promise<void> {
  const res = await fetch(`${baseUrl}/config`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ compatibility: 'BACKWARD' }),
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) throw new StackError('schema-registry', `setting BACKWARD compatibility failed: HTTP ${res.status}`);
}

export const registryPart: StackPart = {
  name: 'schema-registry',
  pidFile: (stackDir) => paths({ stackDir }).pid,

  async up(ctx) {
    const p = paths(ctx);
    const base = ctx.config.schemaRegistryUrl.replace(/\/+$/, '');
    const { host, port } = hostPort(base, 80);
    const answers = async (): Promise<boolean> => (await compatibility(base)) !== undefined;
    const pid = readPid(p.pid);
    let detail: string;
    if (pid !== undefined && isOurProcess(pid, MARKER)) {
      await waitFor('schema-registry', answers, { timeoutMs: 90_000, logFile: p.log });
      detail = `already running (pid ${pid}) on ${host}:${port}`;
    } else {
      if (await tcpOpen(host, port)) {
        throw new StackError('schema-registry', `port ${port} is taken by a process this stack did not start`);
      }
      ensureCommand('schema-registry', 'java', 'openjdk-17-jre-headless', ctx.print);
      const jar = fetchApicurio(ctx.root, ctx.cacheDir, ctx.print);
      mkdirSync(p.dir, { recursive: true });
      // Schemas live in Postgres, so ids stay stable across restarts (Kafka records carry them).
      // As its own role, which owns <db>_registry; the password travels in the environment, not on the command line.
      const db = registryDatabaseUrl(databaseUrlAs(ctx.config, 'registry', ctx.root));
      const started = spawnDetached(
        'java',
        [
          '-Xmx384m',
          `-Dquarkus.http.host=${host}`,
          `-Dquarkus.http.port=${port}`,
          '-Dapicurio.storage.kind=sql',
          '-Dapicurio.storage.sql.kind=postgresql',
          `-Dapicurio.datasource.url=${db.jdbcUrl}`,
          '-jar',
          jar,
        ],
        {
          logFile: p.log,
          pidFile: p.pid,
          cwd: p.dir,
          // eslint-disable-next-line no-restricted-properties -- the JVM's environment, with Apicurio's own settings added.
          env: { ...process.env, APICURIO_DATASOURCE_USERNAME: db.user, APICURIO_DATASOURCE_PASSWORD: db.password },
        },
      );
      await waitFor('schema-registry', answers, {
        timeoutMs: 120_000,
        logFile: p.log,
        alive: () => isOurProcess(started, MARKER),
      });
      detail = `started (pid ${started}) on ${host}:${port}`;
    }
    await setBackward(base);
    return `${detail}, global compatibility BACKWARD`;
  },

  async down(ctx) {
    return stopRecorded(paths(ctx).pid, MARKER, 20_000);
  },

  async status(ctx): Promise<PartStatus> {
    const p = paths(ctx);
    const pid = readPid(p.pid);
    const ours = pid !== undefined && isOurProcess(pid, MARKER);
    const level = await compatibility(ctx.config.schemaRegistryUrl.replace(/\/+$/, '')).catch(() => undefined);
    return {
      running: ours && level !== undefined,
      detail: `${ours ? `pid ${String(pid)}` : 'not started by the stack'}, ${level === undefined ? 'does not answer' : `compatibility ${level}`} (log ${p.log})`,
    };
  },
};
