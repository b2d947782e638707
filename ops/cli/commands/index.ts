import type { Command } from '../command.js';

type Area = () => Promise<readonly Command[]>;

// Each area is imported only when its first word is typed: a worker then never loads Fastify, the bench's load
// generator or the KMS SDK (about 17 MiB of RSS and a second of start-up CPU per service).
const stack: Area = async () => (await import('./stack.js')).stackCommands;
const policy: Area = async () => (await import('./policy.js')).policyCommands;
const bundle: Area = async () => (await import('./bundle.js')).bundleCommands;
const keys: Area = async () => (await import('./keys.js')).keysCommands;
const trust: Area = async () => (await import('./trust.js')).trustCommands;
const verify: Area = async () => (await import('./verify.js')).verifyCommands;
const produce: Area = async () => (await import('./produce.js')).produceCommands;
const sinks: Area = async () => (await import('./sinks.js')).sinksCommands;
const worker: Area = async () => (await import('./worker.js')).workerCommands;
const db: Area = async () => (await import('./db.js')).dbCommands;
const bench: Area = async () => (await import('./bench.js')).benchCommands;
const benchSigner: Area = async () => (await import('./benchSigner.js')).benchSignerCommands;
const benchReplayMemory: Area = async () => (await import('./benchReplayMemory.js')).benchReplayMemoryCommands;
const api: Area = async () => (await import('./api.js')).apiCommands;
const audit: Area = async () => (await import('./audit.js')).auditCommands;
const log: Area = async () => (await import('./log.js')).logCommands;

/** The areas holding the commands that start with a word (a test checks this against every command's path). */
export const AREAS_BY_FIRST_WORD: Readonly<Record<string, readonly Area[]>> = {
  stack: [stack],
  policy: [policy, bundle],
  dev: [bundle],
  keys: [keys],
  trust: [trust],
  verify: [verify],
  produce: [produce],
  demo: [produce],
  sinks: [sinks],
  worker: [worker],
  db: [db],
  provision: [db],
  bench: [bench, benchSigner, benchReplayMemory],
  api: [api],
  apikey: [api],
  audit: [audit],
  log: [log],
};

/** Every area once, in the order the usage lists them. */
const AREAS: readonly Area[] = [...new Set(Object.values(AREAS_BY_FIRST_WORD).flat())];

async function load(areas: readonly Area[]): Promise<readonly Command[]> {
  return (await Promise.all(areas.map((a) => a()))).flat();
}

/** Every sub-command of `parmana` (the usage text). */
export function allCommands(): Promise<readonly Command[]> {
  return load(AREAS);
}

/** The sub-commands that may match argv: only the modules of its first word are imported. */
export function commandsFor(firstWord: string | undefined): Promise<readonly Command[]> {
  const areas = firstWord === undefined ? undefined : AREAS_BY_FIRST_WORD[firstWord];
  return load(areas ?? []);
}
