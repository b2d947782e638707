import { createHash } from 'node:crypto';

/** C2SP signed-note signature type of Ed25519. */
const ED25519_TYPE = 0x01;

/**
 * C2SP signed-note key ID: the first 4 bytes of SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ 32-byte Ed25519 public key). An
 * identifier, not a fingerprint: the verifier still checks the signature with the key it trusts.
 */
export function noteKeyId(name: string, publicKeyRaw: Uint8Array): Buffer {
  return createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Buffer.from([ED25519_TYPE]))
    .update(publicKeyRaw)
    .digest()
    .subarray(0, 4);
}
