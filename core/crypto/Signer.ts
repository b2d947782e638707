import { sign, type KeyObject } from 'node:crypto';
import { keyIdOf, rawPublicKey } from './ed25519Keys.js';
import { createPublicKey } from 'node:crypto';

/** Something that signs bytes with one Ed25519 key. */
export interface Signer {
  readonly keyId: string;
  sign(message: Uint8Array): Uint8Array;
}

/** Native Ed25519 (node:crypto): the hot-path signer, about 7x faster than a pure-JS implementation here. */
export class NodeEd25519Signer implements Signer {
  readonly keyId: string;
  readonly publicKeyRaw: Buffer;

  constructor(private readonly privateKey: KeyObject) {
    this.publicKeyRaw = rawPublicKey(createPublicKey(privateKey));
    this.keyId = keyIdOf(this.publicKeyRaw);
  }

  sign(message: Uint8Array): Uint8Array {
    return sign(null, message, this.privateKey);
  }
}
