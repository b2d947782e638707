import { createPublicKey, sign, type KeyObject } from 'node:crypto';
import { keyIdOf, rawPublicKey } from './ed25519Keys.js';
import type { SigningPort } from './SigningPort.js';

/** Something that signs bytes with one Ed25519 key. */
export interface Signer {
  readonly keyId: string;
  sign(message: Uint8Array): Uint8Array;
}

/**
 * The SigningPort of an in-process signer: signs at once (no extra tick beyond the promise), so the file key's hot
 * path stays one native call; a throw becomes the rejection.
 */
export function signAtOnce(signer: Signer, message: Uint8Array): Promise<Uint8Array> {
  try {
    return Promise.resolve(signer.sign(message));
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

/** Ed25519 with OpenSSL (node:crypto): what the libsodium signer (SodiumEd25519Signer) is checked against in tests. */
export class NodeEd25519Signer implements Signer, SigningPort {
  readonly keyId: string;
  readonly publicKeyRaw: Buffer;

  constructor(private readonly privateKey: KeyObject) {
    this.publicKeyRaw = rawPublicKey(createPublicKey(privateKey));
    this.keyId = keyIdOf(this.publicKeyRaw);
  }

  sign(message: Uint8Array): Uint8Array {
    return sign(null, message, this.privateKey);
  }

  signAsync(message: Uint8Array): Promise<Uint8Array> {
    return signAtOnce(this, message);
  }
}
