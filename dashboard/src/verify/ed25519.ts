import * as ed from '@noble/ed25519';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { base64ToBytes, bytesToHex } from './encoding.js';

// @noble/ed25519 v3 leaves the hash to the caller for its synchronous API.
ed.hashes.sha512 = sha512;

/** Ed25519 verification of `signature` over `message`; false (never an exception) for malformed keys or signatures. */
export function verifyEd25519(publicKeyRaw: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKeyRaw.length !== 32 || signature.length !== 64) return false;
  try {
    return ed.verify(signature, message, publicKeyRaw);
  } catch {
    return false;
  }
}

/** keyId / fingerprint of a key: lowercase hex SHA-256 of the raw 32-byte public key. */
export function keyIdOf(publicKeyRaw: Uint8Array): string {
  return bytesToHex(sha256(publicKeyRaw));
}

// DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it.
const SPKI_PREFIX = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

/** The raw 32-byte key of an Ed25519 SPKI PEM ("-----BEGIN PUBLIC KEY-----"); null for anything else. */
export function rawKeyFromSpkiPem(pem: string): Uint8Array | null {
  const match = /-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----/.exec(pem);
  if (match?.[1] === undefined) return null;
  const der = base64ToBytes(match[1].replace(/\s+/g, ''));
  if (der?.length !== 44 || SPKI_PREFIX.some((b, i) => der[i] !== b)) return null;
  return der.slice(12);
}
