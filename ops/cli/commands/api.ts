import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { generateApiKey, hashApiKey, parseApiKeys, ROLES, type ApiKeyEntry } from '../../../api/auth/ApiKey.js';
import type { Role } from '../../../api/contract.js';
import { startApi } from '../../api/startApi.js';
import { loadConfig } from '../../config/config.js';
import { createLogger } from '../../log/logger.js';
import { listeningLine } from '../apiAddress.js';
import { option, requiredOption, UsageError } from '../args.js';
import type { Command } from '../command.js';
import { untilSignal } from '../untilSignal.js';

const api: Command = {
  path: ['api'],
  usage: 'api',
  summary: 'Run the HTTP API (request/reply over the pipeline, audit queries, verification, overrides, health)',
  async run(_args, io) {
    const config = loadConfig(io.env, 'api');
    const log = createLogger('parmana-api', config.logLevel);
    const running = await startApi(config, io.cwd, log);
    log.info({ address: running.address }, 'api listening');
    io.stdout(listeningLine(running.address));
    const signal = await untilSignal();
    log.info({ signal }, 'shutting down');
    await running.stop();
    return 0;
  },
};

function rolesOf(args: readonly string[]): Role[] {
  const roles: Role[] = [];
  args.forEach((a, i) => {
    if (a !== '--role') return;
    const value = args[i + 1];
    if (value === undefined || !ROLES.includes(value as Role)) {
      throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
    }
    roles.push(value as Role);
  });
  if (roles.length === 0) throw new UsageError(`give at least one --role (${ROLES.join(', ')})`);
  return [...new Set(roles)];
}

/** Adds a key to a keys file (hash only) and prints the secret once: it is not stored anywhere. */
export function addApiKey(file: string, name: string, roles: readonly Role[]): { secret: string; entry: ApiKeyEntry } {
  const existing = existsSync(file) ? parseApiKeys(readFileSync(file, 'utf8')) : [];
  if (existing.some((k) => k.name === name)) throw new UsageError(`a key named ${name} already exists in ${file}`);
  const secret = generateApiKey();
  const entry: ApiKeyEntry = { name, sha256: hashApiKey(secret), roles };
  const next = [...existing, entry];
  parseApiKeys(JSON.stringify(next));
  writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { secret, entry };
}

const apikeyCreate: Command = {
  path: ['apikey', 'create'],
  usage: 'apikey create --name NAME --role executor|auditor|approver|admin [--role ...] [--file keys.json]',
  summary: 'Create an API key: its SHA-256 goes into the keys file, the key itself is printed once',
  run(args, io) {
    const name = requiredOption(args, '--name');
    const roles = rolesOf(args);
    const configured = io.env.PARMANA_API_KEYS_FILE;
    const fileArg = option(args, '--file') ?? (configured === undefined || configured === '' ? undefined : configured);
    if (fileArg === undefined) throw new UsageError('give --file or set PARMANA_API_KEYS_FILE');
    const file = isAbsolute(fileArg) ? fileArg : join(io.cwd, fileArg);
    const { secret } = addApiKey(file, name, roles);
    io.stderr(`added ${name} (${roles.join(', ')}) to ${file}; the key is shown once, store it now:`);
    io.stdout(secret);
    return Promise.resolve(0);
  },
};

/** `parmana api` and `parmana apikey create`. */
export const apiCommands: readonly Command[] = [api, apikeyCreate];
