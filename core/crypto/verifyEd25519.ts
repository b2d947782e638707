import { verify as nodeVerifyRaw, type KeyObject } from 'node:crypto';
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import sodium from 'sodium-native';
import { publicKeyFromRaw } from './ed25519Keys.js';

ed.hashes.sha512 = sha512;

/**
 * `sodium` (libsodium, the default) verifies in about 45% of the CPU of `node` (OpenSSL 3: 60 against 133 µs for a
 * 1.2 KB message here), and the log writer verifies every outcome. On malformed input libsodium is the stricter of
 * the two: it also refuses small-order keys and R values and non-canonical encodings.
 * `noble` is independent code, for tests that check the product against a second implementation.
 */
export type Ed25519Implementation = 'sodium' | 'node' | 'noble';

// Building a KeyObject costs about as much as a verification; a trust root has a handful of keys, so keep them.
const KEY_CACHE_LIMIT = 64;
const keyObjects = new Map<string, KeyObject>();

function nodeKey(publicKeyRaw: Uint8Array): KeyObject {
  const id = Buffer.from(publicKeyRaw).toString('hex');
  let key = keyObjects.get(id);
  if (key === undefined) {
    key = publicKeyFromRaw(publicKeyRaw);
    if (keyObjects.size >= KEY_CACHE_LIMIT) keyObjects.clear();
    keyObjects.set(id, key);
  }
  return key;
}

/** Verifies with the chosen implementation; false (never an exception) for malformed keys or signatures. */
export function verifyEd25519(
  publicKeyRaw: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  implementation: Ed25519Implementation = 'sodium',
): boolean {
  if (publicKeyRaw.length !== 32 || signature.length !== 64) return false;
  try {
    if (implementation === 'sodium') return sodium.crypto_sign_verify_detached(signature, message, publicKeyRaw);
    if (implementation === 'noble') return ed.verify(signature, message, publicKeyRaw);
    return nodeVerifyRaw(null, message, nodeKey(publicKeyRaw), signature);
  } catch {
    return false;
  }
}
