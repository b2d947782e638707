import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { privateKeyFromPem } from '../../core/crypto/ed25519Keys.js';
import { SodiumEd25519Signer } from '../../core/crypto/SodiumEd25519Signer.js';
import { ParmanaError } from '../../core/errors/ParmanaError.js';

/** Writes a new Ed25519 private key as PKCS#8 PEM with mode 0600; refuses to overwrite an existing file. */
export function generateKeyFile(file: string): SodiumEd25519Signer {
  if (existsSync(file))
    throw new ParmanaError('TRU-009', { path: file, detail: 'exists already; refusing to overwrite a key' });
  const { privateKey } = generateKeyPairSync('ed25519');
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return new SodiumEd25519Signer(privateKey);
}

/**
 * Loads a signing key. A missing, unreadable, world-readable or malformed key is a start-up error: nothing ever
 * falls back to an ephemeral key.
 */
export function loadSignerFile(file: string): SodiumEd25519Signer {
  if (file === '') {
    throw new ParmanaError('TRU-009', {
      path: '(unset)',
      detail: 'set PARMANA_SIGNING_KEY_FILE or PARMANA_SIGNING_KEY_PEM',
    });
  }
  let pem: string;
  try {
    const mode = statSync(file).mode & 0o077;
    if (mode !== 0)
      throw new Error(
        `mode ${(statSync(file).mode & 0o777).toString(8)}: must not be readable by group or others (chmod 600)`,
      );
    pem = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ParmanaError('TRU-009', {
      path: file,
      cause,
      detail: cause instanceof Error ? cause.message : String(cause),
    });
  }
  try {
    return new SodiumEd25519Signer(privateKeyFromPem(pem));
  } catch (cause) {
    throw new ParmanaError('TRU-010', {
      path: file,
      cause,
      detail: cause instanceof Error ? cause.message : String(cause),
    });
  }
}

/**
 * The worker's signing key: PEM text from the environment, else the key file. Neither set is a start-up error.
 */
export function loadSigner(pem: string, file: string): SodiumEd25519Signer {
  if (pem.trim() === '') return loadSignerFile(file);
  try {
    return new SodiumEd25519Signer(privateKeyFromPem(pem));
  } catch (cause) {
    throw new ParmanaError('TRU-010', {
      path: 'PARMANA_SIGNING_KEY_PEM',
      cause,
      detail: cause instanceof Error ? cause.message : String(cause),
    });
  }
}
