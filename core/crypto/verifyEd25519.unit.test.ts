import { describe, expect, it } from 'vitest';
import { NodeEd25519Signer } from './Signer.js';
import { privateKeyFromSeed } from './ed25519Keys.js';
import { verifyEd25519, type Ed25519Implementation } from './verifyEd25519.js';

const IMPLEMENTATIONS: readonly Ed25519Implementation[] = ['sodium', 'node', 'noble'];
const signer = new NodeEd25519Signer(privateKeyFromSeed(Buffer.alloc(32, 7)));
const message = Buffer.from('{"decision":"approve","executionId":"exec-1"}');
const signature = Buffer.from(signer.sign(message));

// The group order L, little-endian: S + L is the same scalar in a non-canonical encoding.
const L = Buffer.from('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010', 'hex');
function withNonCanonicalS(sig: Uint8Array): Buffer {
  const out = Buffer.from(sig);
  let carry = 0;
  for (let i = 0; i < 32; i++) {
    const sum = (out[32 + i] ?? 0) + (L[i] ?? 0) + carry;
    out[32 + i] = sum & 0xff;
    carry = sum >> 8;
  }
  return out;
}

function flipped(bytes: Uint8Array, index: number): Buffer {
  const out = Buffer.from(bytes);
  out[index] = (out[index] ?? 0) ^ 0x01;
  return out;
}

describe('verifyEd25519', () => {
  it('uses libsodium by default', () => {
    expect(verifyEd25519(signer.publicKeyRaw, message, signature)).toBe(true);
    expect(verifyEd25519(signer.publicKeyRaw, flipped(message, 3), signature)).toBe(false);
  });

  for (const implementation of IMPLEMENTATIONS) {
    describe(implementation, () => {
      it('accepts the signature of the message under its key', () => {
        expect(verifyEd25519(signer.publicKeyRaw, message, signature, implementation)).toBe(true);
      });

      it('refuses another message, a changed signature (R or S) and another key', () => {
        expect(verifyEd25519(signer.publicKeyRaw, flipped(message, 0), signature, implementation)).toBe(false);
        expect(verifyEd25519(signer.publicKeyRaw, message, flipped(signature, 5), implementation)).toBe(false);
        expect(verifyEd25519(signer.publicKeyRaw, message, flipped(signature, 40), implementation)).toBe(false);
        const other = new NodeEd25519Signer(privateKeyFromSeed(Buffer.alloc(32, 8)));
        expect(verifyEd25519(other.publicKeyRaw, message, signature, implementation)).toBe(false);
      });

      it('returns false for keys and signatures of the wrong length', () => {
        expect(verifyEd25519(signer.publicKeyRaw.subarray(0, 31), message, signature, implementation)).toBe(false);
        expect(verifyEd25519(signer.publicKeyRaw, message, signature.subarray(0, 63), implementation)).toBe(false);
      });
    });
  }

  it('refuses a non-canonical S (the signature plus the group order) with libsodium and OpenSSL', () => {
    const malleable = withNonCanonicalS(signature);
    expect(verifyEd25519(signer.publicKeyRaw, message, malleable, 'sodium')).toBe(false);
    expect(verifyEd25519(signer.publicKeyRaw, message, malleable, 'node')).toBe(false);
  });

  it('refuses with libsodium the trivial signature under the small-order identity key', () => {
    // Key = identity point, R = identity, S = 0: [S]B == R + [k]A for every message.
    const identity = Buffer.alloc(32);
    identity[0] = 1;
    const trivial = Buffer.concat([identity, Buffer.alloc(32)]);
    expect(verifyEd25519(identity, message, trivial, 'sodium')).toBe(false);
  });
});
