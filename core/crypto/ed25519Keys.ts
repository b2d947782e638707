import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { sha256Hex } from '../hash/sha256.js';

// DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
// DER prefix of an Ed25519 PKCS#8 private key; the 32-byte seed follows it.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** keyId: lowercase hex SHA-256 of the raw 32-byte public key. */
export function keyIdOf(rawPublicKey: Uint8Array): string {
  return sha256Hex(rawPublicKey);
}

export function rawPublicKey(key: KeyObject): Buffer {
  const der = key.export({ format: 'der', type: 'spki' });
  if (der.length !== 44 || !der.subarray(0, 12).equals(SPKI_PREFIX)) throw new Error('not an Ed25519 public key');
  return der.subarray(12);
}

export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** Parses a PEM (SPKI public, or PKCS#8 private from which the public half is derived) into an Ed25519 public key. */
export function publicKeyFromPem(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`expected an Ed25519 key, got ${String(key.asymmetricKeyType)}`);
  return key;
}

export function privateKeyFromPem(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`expected an Ed25519 key, got ${String(key.asymmetricKeyType)}`);
  return key;
}

/** A private key from a 32-byte seed: used for the pinned test vectors. */
export function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new Error('an Ed25519 seed is 32 bytes');
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** The 32-byte seed of an Ed25519 private key (callers zero it once they are done with it). */
export function seedOf(key: KeyObject): Buffer {
  const der = key.export({ format: 'der', type: 'pkcs8' });
  if (der.length !== 48 || !der.subarray(0, 16).equals(PKCS8_PREFIX)) throw new Error('not an Ed25519 private key');
  const seed = Buffer.from(der.subarray(16));
  der.fill(0);
  return seed;
}

export function publicPem(key: KeyObject): string {
  const pub = key.type === 'public' ? key : createPublicKey(key);
  return pub.export({ format: 'pem', type: 'spki' }).toString();
}
