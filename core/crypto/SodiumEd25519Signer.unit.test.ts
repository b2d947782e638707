import { describe, expect, it } from 'vitest';
import { privateKeyFromSeed } from './ed25519Keys.js';
import { NodeEd25519Signer } from './Signer.js';
import { SodiumEd25519Signer } from './SodiumEd25519Signer.js';
import { verifyEd25519 } from './verifyEd25519.js';

// RFC 8032 section 7.1, tests 1 and 2: seed, public key, message, signature.
const RFC8032 = [
  {
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];

describe('SodiumEd25519Signer', () => {
  for (const [i, v] of RFC8032.entries()) {
    it(`signs RFC 8032 test ${i + 1} to the pinned bytes`, async () => {
      const signer = new SodiumEd25519Signer(privateKeyFromSeed(Buffer.from(v.seed, 'hex')));
      expect(signer.publicKeyRaw.toString('hex')).toBe(v.publicKey);
      expect(Buffer.from(signer.sign(Buffer.from(v.message, 'hex'))).toString('hex')).toBe(v.signature);
      expect(Buffer.from(await signer.signAsync(Buffer.from(v.message, 'hex'))).toString('hex')).toBe(v.signature);
    });
  }

  it('gives the bytes and key id of the OpenSSL signer for the same key', () => {
    const key = privateKeyFromSeed(Buffer.alloc(32, 42));
    const sodium = new SodiumEd25519Signer(key);
    const openssl = new NodeEd25519Signer(key);
    expect(sodium.keyId).toBe(openssl.keyId);
    for (const size of [0, 1, 64, 1_200, 70_000]) {
      const message = Buffer.alloc(size, size % 251);
      const signature = sodium.sign(message);
      expect(Buffer.from(signature).equals(Buffer.from(openssl.sign(message)))).toBe(true);
      expect(verifyEd25519(sodium.publicKeyRaw, message, signature, 'node')).toBe(true);
    }
  });
});
