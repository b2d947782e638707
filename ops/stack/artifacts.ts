import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCommand } from './prerequisites.js';
import { StackError } from './waitFor.js';

export const KAFKA_VERSION = '3.9.1';
// Apicurio 3.1.x is not published on Maven Central (only 3.0.9 and 3.3.x, and 3.3.x needs Java 21); 3.0.9 runs on
// Java 17 and serves the same Confluent-compatible API.
export const APICURIO_VERSION = '3.0.9';

function mvn(part: string, args: readonly string[], cwd: string, logFile: string): void {
  const result = spawnSync('mvn', ['-B', '-q', ...args], { cwd, encoding: 'utf8' });
  writeFileSync(logFile, `${result.stdout}${result.stderr}`);
  if (result.status !== 0) throw new StackError(part, `maven fetch failed (exit ${String(result.status)})`, logFile);
}

/** Kafka's jars (broker, tools, slf4j binding) copied from ~/.m2 into the cache; Maven downloads what is missing. */
export function fetchKafka(root: string, cacheDir: string, print: (line: string) => void): string {
  const dir = join(cacheDir, `kafka-${KAFKA_VERSION}`);
  const libs = join(dir, 'libs');
  if (existsSync(join(dir, '.complete'))) return libs;
  ensureCommand('kafka', 'mvn', 'maven', print);
  print(`kafka: fetching org.apache.kafka:kafka_2.13:${KAFKA_VERSION} with Maven`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(libs, { recursive: true });
  mvn(
    'kafka',
    [
      '-f',
      join(root, 'ops/stack/pom.xml'),
      `-Dkafka.version=${KAFKA_VERSION}`,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${libs}`,
    ],
    root,
    join(cacheDir, 'kafka-fetch.log'),
  );
  writeFileSync(join(dir, '.complete'), `${readdirSync(libs).length} jars\n`);
  return libs;
}

/** Apicurio Registry's runnable distribution (runner jar + lib/), unpacked into the cache. */
export function fetchApicurio(root: string, cacheDir: string, print: (line: string) => void): string {
  const dir = join(cacheDir, `apicurio-registry-${APICURIO_VERSION}`);
  const jar = join(dir, `apicurio-registry-app-${APICURIO_VERSION}-runner.jar`);
  if (existsSync(join(dir, '.complete'))) return jar;
  ensureCommand('schema-registry', 'mvn', 'maven', print);
  print(`schema-registry: fetching io.apicurio:apicurio-registry-app:${APICURIO_VERSION}:tar.gz:all with Maven`);
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  mvn(
    'schema-registry',
    [
      'dependency:copy',
      `-Dartifact=io.apicurio:apicurio-registry-app:${APICURIO_VERSION}:tar.gz:all`,
      `-DoutputDirectory=${tmp}`,
    ],
    root,
    join(cacheDir, 'apicurio-fetch.log'),
  );
  const archive = join(tmp, `apicurio-registry-app-${APICURIO_VERSION}-all.tar.gz`);
  const untar = spawnSync('tar', ['xzf', archive, '-C', tmp], { encoding: 'utf8' });
  if (untar.status !== 0) throw new StackError('schema-registry', `cannot unpack ${archive}: ${untar.stderr}`);
  rmSync(archive);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  writeFileSync(join(dir, '.complete'), 'ok\n');
  return jar;
}
