import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SASL_MECHANISM } from '../kafka/KafkaConnection.js';
import { requiredVariables } from '../ops/config/config.js';
import { VARIABLES, type Role } from '../ops/config/variables.js';
import { findCommand } from '../ops/cli/dispatch.js';
import { credentialsFileName, PRINCIPALS } from '../ops/credentials/principals.js';
import { WORKER_COMMANDS, WORKER_KEY_PATTERN } from '../ops/redis/redisAcl.js';

interface ComposeService {
  image?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | number>;
  volumes?: string[];
  healthcheck?: { test?: string[] };
  build?: unknown;
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;
const service = (name: string): ComposeService => {
  const def = services[name];
  if (def === undefined) throw new Error(`service ${name} missing`);
  return def;
};

// Each product service and the configuration role its process loads.
const PRODUCT_SERVICES: Record<string, Role> = {
  worker: 'worker',
  sinks: 'sink',
  'log-writer': 'sink',
  'log-monitor': 'sink',
  provision: 'stack',
  api: 'api',
};

// The credentials variables of each product service: exactly these, each naming that process's own file. Only
// provision logs in as the Kafka admin and the database owner; no service gets the broker's, controller's or the
// Postgres superuser's.
const OWN_CREDENTIALS: Record<string, readonly string[]> = {
  worker: [
    'PARMANA_WORKER_KAFKA_CREDENTIALS',
    'PARMANA_WORKER_REDIS_CREDENTIALS',
    'PARMANA_WORKER_DATABASE_CREDENTIALS',
  ],
  sinks: ['PARMANA_SINKS_KAFKA_CREDENTIALS', 'PARMANA_SINKS_DATABASE_CREDENTIALS'],
  'log-writer': ['PARMANA_LOG_WRITER_KAFKA_CREDENTIALS', 'PARMANA_LOG_WRITER_DATABASE_CREDENTIALS'],
  'log-monitor': ['PARMANA_LOG_MONITOR_KAFKA_CREDENTIALS', 'PARMANA_LOG_MONITOR_DATABASE_CREDENTIALS'],
  api: ['PARMANA_API_KAFKA_CREDENTIALS', 'PARMANA_API_DATABASE_CREDENTIALS'],
  provision: ['PARMANA_ADMIN_KAFKA_CREDENTIALS', 'PARMANA_OWNER_DATABASE_CREDENTIALS'],
};

/** Where the containers find the credentials files, and where `parmana dev init` writes them on the host. */
const IN_CONTAINER = '/run/parmana/credentials';
const ON_HOST = './.local/credentials';

/** The file a credentials variable names (ops/config/variables.ts): PARMANA_LOG_WRITER_DATABASE_CREDENTIALS -> postgres-log-writer.json. */
function fileOf(variable: string): string {
  const m = /^PARMANA_([A-Z_]+)_(KAFKA|REDIS|DATABASE)_CREDENTIALS$/.exec(variable);
  if (m?.[1] === undefined || m[2] === undefined) throw new Error(`${variable} is not a credentials variable`);
  const component = m[2] === 'DATABASE' ? 'postgres' : m[2].toLowerCase();
  return `${component}-${m[1].toLowerCase().replace(/_/g, '-')}.json`;
}

const credentialVariables = (def: ComposeService): string[] =>
  Object.keys(def.environment ?? {})
    .filter((name) => name.endsWith('_CREDENTIALS'))
    .sort();

/** Short-syntax volumes as [source, target, options]. */
const mounts = (def: ComposeService): [string, string, string][] =>
  (def.volumes ?? []).map((v) => {
    const [source = '', target = '', options = ''] = v.split(':');
    return [source, target, options];
  });

/** The credentials files a service mounts (by file name), failing on a mount of the whole folder. */
function mountedCredentials(def: ComposeService): string[] {
  return mounts(def)
    .filter(([source]) => source.startsWith(ON_HOST))
    .map(([source, target, options]) => {
      expect(source, 'a single file, never the whole credentials folder').toMatch(
        /^\.\/\.local\/credentials\/[^/]+\.json$/,
      );
      expect(target).toBe(`${IN_CONTAINER}/${basename(source)}`);
      expect(options).toBe('ro');
      return basename(source);
    })
    .sort();
}

/** The script an infrastructure service runs from ops/docker (mounted at /parmana), read from the repository. */
function mountedScript(def: ComposeService, path: string | undefined): string {
  expect(mounts(def)).toContainEqual(['./ops/docker', '/parmana', 'ro']);
  expect(path).toMatch(/^\/parmana\/[a-z-]+\.sh$/);
  const file = join('ops/docker', basename(path ?? ''));
  expect(existsSync(file), `${file} missing`).toBe(true);
  return readFileSync(file, 'utf8');
}

const principalFiles = (component: string): string[] =>
  PRINCIPALS.filter((p) => p.component === component)
    .map(credentialsFileName)
    .sort();

describe('docker-compose.yml', () => {
  it('has the infrastructure services', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['kafka', 'schema-registry', 'redis', 'postgres']));
    expect(services.redis?.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
  });

  for (const [name, role] of Object.entries(PRODUCT_SERVICES)) {
    it(`sets every variable the ${role} role requires on service ${name}`, () => {
      const env = service(name).environment ?? {};
      const missing = requiredVariables(role).filter((v) => env[v] === undefined || env[v] === '');
      expect(missing).toEqual([]);
    });

    it(`runs a real parmana command on service ${name}`, async () => {
      const command = service(name).command ?? [];
      expect(command.length).toBeGreaterThan(0);
      expect((await findCommand(command))?.command.path.join(' ')).toBe(command.join(' '));
    });

    it(`gives service ${name} exactly its own credentials, each mounted read-only`, () => {
      const def = service(name);
      const own = OWN_CREDENTIALS[name] ?? [];
      expect(credentialVariables(def)).toEqual([...own].sort());
      const env = def.environment ?? {};
      for (const variable of own) expect(env[variable]).toBe(`${IN_CONTAINER}/${fileOf(variable)}`);
      // Mounted: every file it names, and nothing else of the credentials folder.
      expect(mountedCredentials(def)).toEqual(own.map(fileOf).sort());
    });
  }

  it('gives the admin and owner credentials to provision only, and no product service the servers’ own', () => {
    for (const name of Object.keys(PRODUCT_SERVICES)) {
      const files = mountedCredentials(service(name));
      const privileged = files.filter((f) => /-(admin|owner|broker|controller|registry)\.json$/.test(f));
      expect(privileged, name).toEqual(name === 'provision' ? ['kafka-admin.json', 'postgres-owner.json'] : []);
    }
  });

  it('names only credentials variables and files that ops/config and dev init know', () => {
    const known = new Set(Object.values(VARIABLES).map((v) => v.name));
    // Before the Postgres roles land (branch lp-postgres), ops/config has no DATABASE credentials yet.
    const databaseKnown = [...known].some((n) => n.endsWith('_DATABASE_CREDENTIALS'));
    const files = new Set(PRINCIPALS.map(credentialsFileName));
    const postgresKnown = PRINCIPALS.some((p) => p.component === 'postgres');
    for (const def of Object.values(services)) {
      for (const variable of credentialVariables(def)) {
        if (!variable.endsWith('_DATABASE_CREDENTIALS') || databaseKnown) expect(known).toContain(variable);
      }
      for (const file of mountedCredentials(def)) {
        if (!file.startsWith('postgres-') || postgresKnown) expect(files).toContain(file);
      }
    }
  });

  it('puts no password and no credentials in any URL or variable', () => {
    for (const [name, def] of Object.entries(services)) {
      for (const [key, value] of Object.entries(def.environment ?? {})) {
        expect(key, name).not.toMatch(/PASSWORD/);
        expect(String(value), `${name} ${key}`).not.toMatch(/^[a-z]+:\/\/[^/@]*@/);
      }
    }
  });

  it('runs Kafka with SASL/SCRAM, the StandardAuthorizer, no auto-create and bootstrapped SCRAM users', () => {
    const kafka = service('kafka');
    const env = kafka.environment ?? {};
    const listeners = String(env.KAFKA_CFG_LISTENERS).split(',');
    expect(listeners.every((l) => l.startsWith('SASL_PLAINTEXT://') || l.startsWith('CONTROLLER://'))).toBe(true);
    expect(listeners.find((l) => l.startsWith('CONTROLLER://'))).toMatch(/^CONTROLLER:\/\/(localhost|127\.0\.0\.1):/);
    expect(String(env.KAFKA_CFG_ADVERTISED_LISTENERS)).toMatch(/^SASL_PLAINTEXT:\/\/[^,]+$/);
    expect(String(env.KAFKA_CFG_LISTENER_SECURITY_PROTOCOL_MAP).split(',').sort()).toEqual([
      'CONTROLLER:SASL_PLAINTEXT',
      'SASL_PLAINTEXT:SASL_PLAINTEXT',
    ]);
    expect(env.KAFKA_CFG_INTER_BROKER_LISTENER_NAME).toBe('SASL_PLAINTEXT');
    expect(env.KAFKA_CFG_SASL_ENABLED_MECHANISMS).toBe(SASL_MECHANISM);
    expect(env.KAFKA_CFG_SASL_MECHANISM_INTER_BROKER_PROTOCOL).toBe(SASL_MECHANISM);
    expect(env.KAFKA_CFG_SASL_MECHANISM_CONTROLLER_PROTOCOL).toBe('PLAIN');
    expect(env.KAFKA_CFG_AUTHORIZER_CLASS_NAME).toBe('org.apache.kafka.metadata.authorizer.StandardAuthorizer');
    expect(env.KAFKA_CFG_ALLOW_EVERYONE_IF_NO_ACL_FOUND).toBe('false');
    expect(env.KAFKA_CFG_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
    // The entrypoint adds the JAAS lines and super users, and formats every principal in as a SCRAM user.
    const script = mountedScript(kafka, kafka.entrypoint?.[1]);
    expect(kafka.entrypoint?.[0]).toBe('/bin/bash');
    expect(script).toContain('KAFKA_CFG_');
    expect(script).toContain('super.users=User:%s;User:%s;User:%s');
    expect(script).toContain('kafka-storage.sh format --ignore-formatted');
    expect(script).toContain('--add-scram');
    expect(script).toContain(`mechanism=${SASL_MECHANISM}`);
    expect(mountedCredentials(kafka)).toEqual(principalFiles('kafka'));
    // The healthcheck logs in (the admin's client properties), it does not just open the port.
    expect(kafka.healthcheck?.test).toEqual(['CMD', '/bin/bash', kafka.entrypoint?.[1], 'healthcheck']);
    expect(script).toMatch(/kafka-broker-api-versions\.sh[^\n]*\n[^\n]*--command-config "\$client"/);
  });

  it('runs Redis with an ACL file: default off, the worker limited to its keys and commands', () => {
    const redis = service('redis');
    const command = redis.command ?? [];
    const acl = command[command.indexOf('--aclfile') + 1];
    expect(command).toContain('--aclfile');
    expect(acl).toMatch(/^\/.+\.acl$/);
    const script = mountedScript(redis, redis.entrypoint?.[1]);
    expect(script).toContain(`acl=${acl ?? ''}`);
    expect(script).toContain('user default off resetkeys resetchannels -@all');
    const worker = script.split('\n').find((l) => l.startsWith('user $worker_user on '));
    expect(worker).toBeDefined();
    expect(worker).toContain(`resetkeys ~${WORKER_KEY_PATTERN} resetchannels -@all`);
    expect(worker?.split(' ').filter((w) => w.startsWith('+'))).toEqual(WORKER_COMMANDS.map((c) => `+${c}`));
    expect(mountedCredentials(redis)).toEqual(principalFiles('redis'));
    expect(redis.healthcheck?.test).toEqual(['CMD', '/bin/sh', redis.entrypoint?.[1], 'healthcheck']);
  });

  it('runs Postgres with scram-sha-256 only, a role per process, and the registry as its own role', () => {
    const postgres = service('postgres');
    const env = postgres.environment ?? {};
    expect(String(env.POSTGRES_INITDB_ARGS).split(' ').sort()).toEqual([
      '--auth-host=scram-sha-256',
      '--auth-local=scram-sha-256',
    ]);
    expect(env.POSTGRES_HOST_AUTH_METHOD).toBe('scram-sha-256');
    const script = mountedScript(postgres, postgres.entrypoint?.[1]);
    expect(script).toContain('credential postgres-admin.json password');
    expect(mounts(postgres)).toContainEqual([
      './ops/docker/postgres-roles.sh',
      '/docker-entrypoint-initdb.d/20-parmana-roles.sh',
      'ro',
    ]);
    // Every role a service logs in as is created from a mounted file (and the superuser's and the registry's).
    const named = Object.values(services).flatMap((def) =>
      credentialVariables(def)
        .filter((v) => v.endsWith('_DATABASE_CREDENTIALS'))
        .map(fileOf),
    );
    const expected = new Set([
      ...named,
      'postgres-admin.json',
      'postgres-registry.json',
      ...principalFiles('postgres'),
    ]);
    expect(mountedCredentials(postgres)).toEqual([...expected].sort());
    expect(postgres.healthcheck?.test).toEqual(['CMD', '/bin/sh', postgres.entrypoint?.[1], 'healthcheck']);

    const registry = service('schema-registry');
    expect(mountedCredentials(registry)).toEqual(['postgres-registry.json']);
    expect(mountedScript(registry, registry.entrypoint?.[1])).toContain('credential postgres-registry.json password');
  });
});
