import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { createKafkaAdmin } from '../../kafka/createKafkaAdmin.js';
import type { Config } from '../config/config.js';
import { SERVICE_ENV, SERVICE_NODE_FLAGS } from '../runtime/serviceNodeFlags.js';
import { kafkaConnection } from '../runtime/kafkaConnection.js';
import { databaseRoleName } from '../runtime/databaseConnection.js';

const TOPICS = [
  'REQUESTS',
  'ATTESTATIONS',
  'REJECTIONS',
  'OVERRIDES',
  'SECURITY_EVENTS',
  'VERIFICATIONS',
  'API_CALLS',
  'DEAD_LETTER',
  'HEARTBEATS',
] as const;

export interface BenchEnvironment {
  readonly id: string;
  readonly env: NodeJS.ProcessEnv;
  readonly databaseUrl: string;
  /** Starts `parmana <args>` with this environment. */
  start(args: readonly string[], extraEnv?: Record<string, string>, stdout?: 'ignore' | 'pipe'): ChildProcess;
  /** Stops every started process and drops the database. */
  close(): Promise<void>;
}

/** A run's own topics, consumer groups and audit database on the shared local stack, provisioned. */
export async function benchEnvironment(
  config: Config,
  root: string,
  baseEnv: NodeJS.ProcessEnv,
): Promise<BenchEnvironment> {
  const id = randomBytes(4).toString('hex');
  const dbName = `parmana_bench_${id}`;
  const dbUrl = new URL(config.databaseUrl);
  dbUrl.pathname = `/${dbName}`;
  const admin = new pg.Client({ connectionString: config.databaseUrl });
  await admin.connect();
  // Owned by the owner role, which `provision` migrates as.
  const owner = databaseRoleName(config, 'owner', root);
  await admin.query(`CREATE DATABASE ${dbName}${owner === undefined ? '' : ` OWNER ${admin.escapeIdentifier(owner)}`}`);
  const env: NodeJS.ProcessEnv = {
    ...baseEnv,
    LOG_LEVEL: 'warn',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    DATABASE_URL: dbUrl.toString(),
    PARMANA_CLIENT_ID: `bench-${id}`,
    ...Object.fromEntries(TOPICS.map((t) => [`PARMANA_TOPIC_${t}`, `bench.${id}.${t.toLowerCase()}`])),
  };
  const bin = join(root, 'bin/parmana.js');
  const provision = spawnSync(process.execPath, [bin, 'provision'], { env, cwd: root, encoding: 'utf8' });
  if (provision.status !== 0) throw new Error(`provision failed: ${provision.stderr}`);
  const children: ChildProcess[] = [];
  return {
    id,
    env,
    databaseUrl: dbUrl.toString(),
    start(args, extraEnv = {}, stdout = 'ignore') {
      // PARMANA_BENCH_PROFILE_DIR=<dir>: every started service writes a V8 CPU profile there when it stops.
      const profileDir = baseEnv.PARMANA_BENCH_PROFILE_DIR;
      const profile = profileDir !== undefined && profileDir !== '';
      const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
      const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, ...nodeArgs, bin, ...args], {
        env: { ...env, ...SERVICE_ENV, ...extraEnv },
        cwd: root,
        stdio: ['ignore', stdout, 'inherit'],
      });
      children.push(child);
      return child;
    },
    async close() {
      const exits = children
        .filter((c) => c.exitCode === null && c.signalCode === null)
        .map((c) => new Promise((resolve) => c.once('exit', resolve)));
      for (const c of children) c.kill('SIGTERM');
      await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 15_000))]);
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
      // The run's topics too: a broker's idle work grows with its partition count, which would skew later runs.
      const kafka = createKafkaAdmin(kafkaConnection(config, 'admin', root), `bench-${id}-cleanup`, true);
      try {
        await kafka.connect();
        await kafka.deleteTopics({ topics: TOPICS.map((t) => `bench.${id}.${t.toLowerCase()}`) });
      } catch {
        // Best effort: a topic left behind costs the broker a little, never a result.
      } finally {
        await kafka.disconnect();
      }
    },
  };
}
