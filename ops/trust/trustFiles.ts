import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publicPem, rawPublicKey, keyIdOf, publicKeyFromPem } from '../../core/crypto/ed25519Keys.js';
import type { Signer } from '../../core/crypto/Signer.js';
import { PAYLOAD_TYPES } from '../../core/dsse/Envelope.js';
import { pae } from '../../core/dsse/pae.js';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import { parseTrustRoot, verifyTrustRoot, type KeyPurpose, type TrustRoot } from '../../core/trust/TrustRoot.js';
import { privateKeyFromPem } from '../../core/crypto/ed25519Keys.js';
import { createPublicKey } from 'node:crypto';

export const TRUST_FILES = { rootPub: 'root.pub', json: 'trust-root.json', sig: 'trust-root.sig' } as const;

interface RawKeyEntry {
  keyId: string;
  publicKeyPem: string;
  purposes: KeyPurpose[];
  notBefore: string;
  notAfter: string;
  revokedAt?: string;
}

interface RawTrustRoot {
  version: number;
  keys: RawKeyEntry[];
}

/** Reads trust/ and verifies trust-root.json against root.pub; any problem is a coded TRU error. */
export function loadTrustRoot(dir: string): TrustRoot {
  const read = (name: string): string => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch (cause) {
      throw new ParmanaError('TRU-001', { path: join(dir, name), cause, detail: 'missing (run `parmana dev init`)' });
    }
  };
  return verifyTrustRoot(read(TRUST_FILES.json), read(TRUST_FILES.sig), read(TRUST_FILES.rootPub));
}

/** Writes root.pub, trust-root.json and its signature by the root key. */
export function writeTrustRoot(dir: string, root: RawTrustRoot, rootKey: Signer, rootPublicPem: string): void {
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(root, null, 2)}\n`;
  parseTrustRoot(text); // never write a trust root we would refuse to read
  const sig = Buffer.from(rootKey.sign(pae(PAYLOAD_TYPES.trustRoot, Buffer.from(text, 'utf8')))).toString('base64');
  writeFileSync(join(dir, TRUST_FILES.rootPub), rootPublicPem);
  writeFileSync(join(dir, TRUST_FILES.json), text);
  writeFileSync(join(dir, TRUST_FILES.sig), `${sig}\n`);
}

export function readRawTrustRoot(dir: string): RawTrustRoot {
  return JSON.parse(readFileSync(join(dir, TRUST_FILES.json), 'utf8')) as RawTrustRoot;
}

export function trustRootExists(dir: string): boolean {
  return existsSync(join(dir, TRUST_FILES.json));
}

/** Accepts a public (SPKI) or private (PKCS#8) PEM and returns the public half and its keyId. */
export function publicEntryFromPem(pem: string): { keyId: string; publicKeyPem: string } {
  const key = pem.includes('PRIVATE KEY') ? createPublicKey(privateKeyFromPem(pem)) : publicKeyFromPem(pem);
  return { keyId: keyIdOf(rawPublicKey(key)), publicKeyPem: publicPem(key) };
}

export type { RawTrustRoot, RawKeyEntry };
