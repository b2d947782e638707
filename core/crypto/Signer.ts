import { createPublicKey, sign, type KeyObject } from 'node:crypto';
import { keyIdOf, rawPublicKey } from './ed25519Keys.js';
import type { SigningPort } from './SigningPort.js';

/** Something that signs bytes with one Ed25519 key. */
export interface Signer {
  readonly keyId: string;
  sign(message: Uint8Array): Uint8Array;
}

/** Native Ed25519 (node:crypto): the hot-path signer, about 7x faster than a pure-JS implementation here. */
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

  /** Signs at once (no extra tick beyond the promise): the file key's hot path stays one native call. */
  signAsync(message: Uint8Array): Promise<Uint8Array> {
    try {
      return Promise.resolve(sign(null, message, this.privateKey));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
