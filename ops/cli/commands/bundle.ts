import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { publicPem, publicKeyFromRaw } from '../../../core/crypto/ed25519Keys.js';
import { buildBundleDir, listBundleDirs } from '../../../consumers/bundle/bundleDir.js';
import { generateKeyFile, loadSignerFile } from '../../keys/keyFiles.js';
import {
  loadTrustRoot,
  readRawTrustRoot,
  trustRootExists,
  writeTrustRoot,
  type RawKeyEntry,
} from '../../trust/trustFiles.js';
import { openSigner } from '../../signers/openSigner.js';
import { ensureDevToken } from '../../signers/pkcs11/ensureDevToken.js';
import { requireTrustedSigner } from '../../signers/requireTrustedSigner.js';
import { option, positional, UsageError } from '../args.js';
import type { Command } from '../command.js';
import { guarded } from './trust.js';
import { credentialsDir, ensureCredentials } from '../../credentials/ensureCredentials.js';
import { addApiKey } from './api.js';

const build: Command = {
  path: ['policy', 'build'],
  usage: 'policy build <dir> (--key <bundle-signing.pem> | --signer <file:|pkcs11:|awskms: URI>) [--trust trust]',
  summary: 'Sign a policy folder: manifest.json with every file hash, bundle_hash and an Ed25519 signature',
  run: guarded(async (args, io) => {
    const dir = resolve(io.cwd, positional(args, 0, 'policy folder'));
    const key = option(args, '--key');
    const setting = option(args, '--signer');
    if ((key === undefined) === (setting === undefined))
      throw new UsageError('give the bundle-signing key as --key <pem> or --signer <URI>');
    const root = loadTrustRoot(resolve(io.cwd, option(args, '--trust') ?? 'trust'));
    const signer = await openSigner(setting ?? `file:${key ?? ''}`, io.cwd);
    try {
      const at = new Date().toISOString();
      requireTrustedSigner(root, signer.keyId, 'bundle-signing', at);
      io.stdout(`${await buildBundleDir(dir, signer, root, at)} ${dir}`);
    } finally {
      signer.close();
    }
    return 0;
  }),
};

const KEY_NAMES = ['root', 'bundle-signing', 'attestation-signing', 'log-signing'] as const;
const DAY = 86_400_000;

const devInit: Command = {
  path: ['dev', 'init'],
  usage: 'dev init [--signer file|pkcs11]',
  summary:
    'Developer bootstrap: keys in .local/keys (0600) or a SoftHSM2 token in .local/softhsm2 (--signer pkcs11), a trust root in trust/, signed bundles of policies/*/*',
  run: guarded(async (args, io) => {
    const kind = option(args, '--signer') ?? 'file';
    if (kind !== 'file' && kind !== 'pkcs11') throw new UsageError('--signer is file or pkcs11');
    const keyDir = join(io.cwd, '.local/keys');
    const trustDir = join(io.cwd, 'trust');
    const fresh = KEY_NAMES.filter((name) => !existsSync(join(keyDir, `${name}.pem`)));
    for (const name of fresh) generateKeyFile(join(keyDir, `${name}.pem`));
    const [root, bundleKey, attestationKey, logKey] = KEY_NAMES.map((name) =>
      loadSignerFile(join(keyDir, `${name}.pem`)),
    );
    if (root === undefined || bundleKey === undefined || attestationKey === undefined || logKey === undefined)
      throw new Error('keys missing');
    const now = Date.now();
    const entry = (signer: typeof root, purpose: RawKeyEntry['purposes'][number]): RawKeyEntry => ({
      keyId: signer.keyId,
      publicKeyPem: publicPem(publicKeyFromRaw(signer.publicKeyRaw)),
      purposes: [purpose],
      notBefore: new Date(now - DAY).toISOString(),
      notAfter: new Date(now + 730 * DAY).toISOString(),
    });
    const wanted = [
      entry(bundleKey, 'bundle-signing'),
      entry(attestationKey, 'attestation-signing'),
      entry(logKey, 'log-signing'),
    ];
    // With --signer pkcs11 the attestation and log keys live on a SoftHSM2 token; the trust root lists them too.
    const hsm = kind === 'pkcs11' ? await ensureDevToken(join(io.cwd, '.local/softhsm2')) : undefined;
    for (const s of hsm?.signers ?? []) {
      wanted.push({
        ...entry(attestationKey, s.role),
        keyId: s.keyId,
        publicKeyPem: (await publicEntry(s.uri, io.cwd)).publicKeyPem,
      });
    }
    const rootPem = publicPem(publicKeyFromRaw(root.publicKeyRaw));
    if (fresh.includes('root') || !trustRootExists(trustDir)) {
      writeTrustRoot(trustDir, { version: 1, keys: wanted }, root, rootPem);
      io.stdout(`trust root written to ${trustDir}`);
    } else {
      // An existing trust root keeps its keys (old signatures stay verifiable); missing ones are added, version bumped.
      const raw = readRawTrustRoot(trustDir);
      const missing = wanted.filter((w) => !raw.keys.some((k) => k.keyId === w.keyId));
      if (missing.length > 0) {
        raw.keys.push(...missing);
        raw.version += 1;
        writeTrustRoot(trustDir, raw, root, rootPem);
        io.stdout(`trust root version ${raw.version}: added ${missing.map((k) => k.purposes.join()).join(', ')}`);
      }
    }
    const trust = loadTrustRoot(trustDir);
    for (const dir of listBundleDirs(join(io.cwd, 'policies'))) {
      io.stdout(`${await buildBundleDir(dir, bundleKey, trust, new Date(now).toISOString())} ${dir}`);
    }
    io.stdout(
      `keys in ${keyDir}: ${KEY_NAMES.join(', ')}${fresh.length > 0 ? ` (generated ${fresh.join(', ')})` : ''}`,
    );
    if (hsm !== undefined) {
      // The settings that make the worker and the log writer sign through the token (no PIN in them: a file path).
      const envFile = join(io.cwd, '.local/hsm.env');
      const lines = [`SOFTHSM2_CONF=${hsm.conf}`];
      for (const s of hsm.signers)
        lines.push(`${s.role === 'log-signing' ? 'PARMANA_LOG_SIGNER' : 'PARMANA_SIGNER'}=${s.uri}`);
      writeFileSync(envFile, `${lines.join('\n')}\n`, { mode: 0o600 });
      for (const s of hsm.signers) io.stdout(`${s.role} on SoftHSM2: key ${s.keyId}`);
      io.stdout(
        `signer settings in ${envFile} (node --env-file=ops/local.env --env-file=.local/hsm.env bin/parmana.js worker)`,
      );
    }
    // Every principal's password (Kafka, Postgres, Redis), each in its own 0600 file; existing ones are kept.
    const { generated } = ensureCredentials(io.cwd);
    if (generated.length > 0) io.stdout(`credentials in ${credentialsDir(io.cwd)}: generated ${generated.join(', ')}`);
    // A local admin API key: its hash in .local/api-keys.json, the key itself in .local/api-key (both 0600).
    const apiKeysFile = join(io.cwd, '.local/api-keys.json');
    if (!existsSync(apiKeysFile)) {
      const { secret } = addApiKey(apiKeysFile, 'local-admin', ['admin']);
      writeFileSync(join(io.cwd, '.local/api-key'), `${secret}\n`, { mode: 0o600 });
      io.stdout(`API key local-admin (admin) written to ${join(io.cwd, '.local/api-key')}`);
    }
    return 0;
  }),
};

async function publicEntry(uri: string, cwd: string): Promise<{ publicKeyPem: string }> {
  const signer = await openSigner(uri, cwd);
  try {
    return { publicKeyPem: publicPem(publicKeyFromRaw(signer.publicKeyRaw)) };
  } finally {
    signer.close();
  }
}

/** `parmana policy build` and `parmana dev init`. */
export const bundleCommands: readonly Command[] = [build, devInit];
