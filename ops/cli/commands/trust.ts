import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isParmanaError } from '../../../core/errors/ParmanaError.js';
import { KEY_PURPOSES as PURPOSES, type KeyPurpose } from '../../../core/trust/TrustRoot.js';
import { publicKeyFromRaw, publicPem } from '../../../core/crypto/ed25519Keys.js';
import { loadSignerFile } from '../../keys/keyFiles.js';
import { openSigner } from '../../signers/openSigner.js';
import {
  loadTrustRoot,
  publicEntryFromPem,
  readRawTrustRoot,
  writeTrustRoot,
  TRUST_FILES,
} from '../../trust/trustFiles.js';
import { option, requiredOption, UsageError } from '../args.js';
import type { Command, CommandIo } from '../command.js';

function trustDir(args: readonly string[], io: CommandIo): string {
  return resolve(io.cwd, option(args, '--dir') ?? 'trust');
}

function guarded(run: (args: readonly string[], io: CommandIo) => number | Promise<number>): Command['run'] {
  return async (args, io) => {
    try {
      return await run(args, io);
    } catch (err) {
      if (!isParmanaError(err)) throw err;
      io.stderr(err.message);
      return 1;
    }
  };
}

/** The public half of a key given as a PEM file (--public) or read from where it is held (--signer URI). */
async function publicEntry(args: readonly string[], io: CommandIo): Promise<{ keyId: string; publicKeyPem: string }> {
  const pemFile = option(args, '--public');
  const setting = option(args, '--signer');
  if ((pemFile === undefined) === (setting === undefined))
    throw new UsageError('give the key as --public <pem> or --signer <file:|pkcs11:|awskms: URI>');
  if (pemFile !== undefined) return publicEntryFromPem(readFileSync(resolve(io.cwd, pemFile), 'utf8'));
  const signer = await openSigner(setting ?? '', io.cwd);
  try {
    return { keyId: signer.keyId, publicKeyPem: publicPem(publicKeyFromRaw(signer.publicKeyRaw)) };
  } finally {
    signer.close();
  }
}

function rootPublicPemOf(rootKeyFile: string): string {
  return publicEntryFromPem(readFileSync(rootKeyFile, 'utf8')).publicKeyPem;
}

const init: Command = {
  path: ['trust', 'init'],
  usage: 'trust init --root-key <pem> [--dir trust]',
  summary: 'Create an empty trust root (version 1) signed by the root key',
  run: guarded((args, io) => {
    const rootKeyFile = resolve(io.cwd, requiredOption(args, '--root-key'));
    const dir = trustDir(args, io);
    writeTrustRoot(dir, { version: 1, keys: [] }, loadSignerFile(rootKeyFile), rootPublicPemOf(rootKeyFile));
    io.stdout(`trust root version 1 written to ${dir}`);
    return 0;
  }),
};

const addKey: Command = {
  path: ['trust', 'add-key'],
  usage:
    'trust add-key --root-key <pem> (--public <pem> | --signer <uri>) --purpose <p[,p]> --not-before <iso> --not-after <iso> [--dir trust]',
  summary: 'Add a key to the trust root (version bumped, re-signed)',
  run: guarded(async (args, io) => {
    const rootKeyFile = resolve(io.cwd, requiredOption(args, '--root-key'));
    const dir = trustDir(args, io);
    loadTrustRoot(dir); // refuse to extend a trust root that does not verify
    const entry = await publicEntry(args, io);
    const purposes = requiredOption(args, '--purpose').split(',');
    if (!purposes.every((p) => PURPOSES.includes(p as KeyPurpose)))
      throw new UsageError(`--purpose is ${PURPOSES.join(' and/or ')}`);
    const raw = readRawTrustRoot(dir);
    if (raw.keys.some((k) => k.keyId === entry.keyId)) throw new UsageError(`key ${entry.keyId} is already trusted`);
    raw.keys.push({
      ...entry,
      purposes: purposes as KeyPurpose[],
      notBefore: requiredOption(args, '--not-before'),
      notAfter: requiredOption(args, '--not-after'),
    });
    raw.version += 1;
    writeTrustRoot(dir, raw, loadSignerFile(rootKeyFile), rootPublicPemOf(rootKeyFile));
    io.stdout(`added ${entry.keyId}; trust root version ${raw.version}`);
    return 0;
  }),
};

const revokeKey: Command = {
  path: ['trust', 'revoke-key'],
  usage: 'trust revoke-key --root-key <pem> --key-id <id> --at <iso> [--dir trust]',
  summary: 'Mark a key revoked from a time on (kept listed, so older signatures stay checkable)',
  run: guarded((args, io) => {
    const rootKeyFile = resolve(io.cwd, requiredOption(args, '--root-key'));
    const dir = trustDir(args, io);
    loadTrustRoot(dir);
    const keyId = requiredOption(args, '--key-id');
    const raw = readRawTrustRoot(dir);
    const key = raw.keys.find((k) => k.keyId === keyId);
    if (key === undefined) throw new UsageError(`no key ${keyId} in ${TRUST_FILES.json}`);
    key.revokedAt = requiredOption(args, '--at');
    raw.version += 1;
    writeTrustRoot(dir, raw, loadSignerFile(rootKeyFile), rootPublicPemOf(rootKeyFile));
    io.stdout(`revoked ${keyId} at ${key.revokedAt}; trust root version ${raw.version}`);
    return 0;
  }),
};

/** `parmana trust init|add-key|revoke-key`. */
export const trustCommands: readonly Command[] = [init, addKey, revokeKey];
export { guarded };
