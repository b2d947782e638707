import { spawnSync } from 'node:child_process';
import { commandExists } from './prerequisites.js';
import { StackError } from './waitFor.js';

/** A program the stack or the tests need, and the Debian package that provides it. */
export interface SystemRequirement {
  readonly command: string;
  readonly aptPackage: string;
  readonly why: string;
}

/**
 * What `stack up` needs (Kafka and the registry run on Java, fetched with Maven; Redis; Postgres; openssl; SoftHSM2
 * for `dev init --signer pkcs11` and the HSM signer tests).
 */
export const STACK_REQUIREMENTS: readonly SystemRequirement[] = [
  { command: 'java', aptPackage: 'openjdk-17-jre-headless', why: 'Kafka and the schema registry' },
  { command: 'mvn', aptPackage: 'maven', why: 'fetching the Kafka and registry jars from Maven Central' },
  { command: 'redis-server', aptPackage: 'redis-server', why: "the stack's Redis" },
  { command: 'psql', aptPackage: 'postgresql', why: 'the audit database' },
  { command: 'openssl', aptPackage: 'openssl', why: 'the attestation verification test with openssl alone' },
  { command: 'softhsm2-util', aptPackage: 'softhsm2', why: 'the local PKCS#11 token (dev init --signer pkcs11)' },
];

/** What the test suite needs on top (the dashboard tests drive Debian's chromium with playwright-core). */
export const TEST_REQUIREMENTS: readonly SystemRequirement[] = [
  ...STACK_REQUIREMENTS,
  { command: 'chromium', aptPackage: 'chromium', why: 'the dashboard browser tests' },
];

/**
 * Installs whatever is missing with one apt-get call when run as root; otherwise stops with the exact command to
 * run. Returns the lines to print (what was present, what was installed).
 */
export function ensureSystemPackages(requirements: readonly SystemRequirement[], print: (line: string) => void): void {
  const missing = requirements.filter((r) => !commandExists(r.command));
  if (missing.length === 0) {
    print(`system packages: all present (${requirements.map((r) => r.command).join(', ')})`);
    return;
  }
  const packages = [...new Set(missing.map((r) => r.aptPackage))];
  const install = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${packages.join(' ')}`;
  const what = missing.map((r) => `${r.command} (${r.why})`).join(', ');
  if (process.getuid?.() !== 0) {
    throw new StackError('system packages', `missing ${what}. Run as root: ${install}`);
  }
  print(`system packages: installing ${packages.join(' ')} for ${what}`);
  const result = spawnSync('sh', ['-c', install], { stdio: 'inherit' });
  const still = missing.filter((r) => !commandExists(r.command));
  if (result.status !== 0 || still.length > 0) {
    throw new StackError(
      'system packages',
      `apt-get could not install ${packages.join(' ')} (exit ${String(result.status)})`,
    );
  }
}
