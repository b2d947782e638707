import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { privateKeyFromSeed } from '../../../core/crypto/ed25519Keys.js';
import { verifyEd25519 } from '../../../core/crypto/verifyEd25519.js';
import { isParmanaError } from '../../../core/errors/ParmanaError.js';
import { SEED_2 } from '../../../test/fixtures/testTrust.js';
import { KmsStandIn, type KmsStandInOptions } from '../../../test/signers/KmsStandIn.js';
import { parseSignerSpec, type AwsKmsSignerSpec } from '../SignerSpec.js';
import { AwsKmsSigner } from './AwsKmsSigner.js';
import { codeOf } from '../../../test/signers/codeOf.js';

const CREDENTIALS = { credentials: { accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'stand-in' }, region: 'eu-west-1' };
// RFC 8032 section 7.1, TEST 2: this seed signs the one byte 0x72 as exactly these bytes.
const RFC8032_SIGNATURE =
  '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00';

let standIn: KmsStandIn | undefined;

async function open(options: KmsStandInOptions): Promise<{ kms: KmsStandIn; spec: AwsKmsSignerSpec }> {
  standIn = new KmsStandIn(options);
  const host = await standIn.start();
  const spec = parseSignerSpec(`awskms://${host}/alias/parmana-attestation`, '/');
  if (spec.kind !== 'awskms') throw new Error('not awskms');
  return { kms: standIn, spec };
}

afterEach(async () => {
  await standIn?.stop();
  standIn = undefined;
});

describe('AwsKmsSigner against a local KMS JSON endpoint', () => {
  it('reads the public key, signs RAW with ED25519_SHA_512 and returns the exact Ed25519 bytes', async () => {
    const { kms, spec } = await open({ privateKey: privateKeyFromSeed(Buffer.from(SEED_2, 'hex')) });
    expect(spec.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/u);
    const signer = await AwsKmsSigner.open(spec, CREDENTIALS);
    try {
      expect(Buffer.from(signer.publicKeyRaw).toString('hex')).toBe(
        '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
      );
      const signature = await signer.signAsync(Buffer.from([0x72]));
      expect(Buffer.from(signature).toString('hex')).toBe(RFC8032_SIGNATURE);
      const sign = kms.calls.find((c) => c.target === 'TrentService.Sign');
      expect(sign?.body).toEqual({
        KeyId: 'alias/parmana-attestation',
        Message: Buffer.from([0x72]).toString('base64'),
        MessageType: 'RAW',
        SigningAlgorithm: 'ED25519_SHA_512',
      });
      expect(kms.calls.map((c) => c.target)).toEqual(['TrentService.GetPublicKey', 'TrentService.Sign']);
    } finally {
      signer.close();
    }
  });

  it('refuses a message over 4,096 bytes without calling KMS', async () => {
    const { kms, spec } = await open({ privateKey: generateKeyPairSync('ed25519').privateKey });
    const signer = await AwsKmsSigner.open(spec, CREDENTIALS);
    try {
      expect(await codeOf(() => signer.signAsync(Buffer.alloc(4_097)))).toBe('SIG-013');
      expect(verifyEd25519(signer.publicKeyRaw, Buffer.alloc(4_096), await signer.signAsync(Buffer.alloc(4_096)))).toBe(
        true,
      );
      expect(kms.calls.filter((c) => c.target === 'TrentService.Sign')).toHaveLength(1);
    } finally {
      signer.close();
    }
  });

  it('retries throttling a bounded number of times, then fails closed (retriable SIG-011)', async () => {
    const { kms, spec } = await open({ privateKey: generateKeyPairSync('ed25519').privateKey, throttleNext: 2 });
    const signer = await AwsKmsSigner.open(spec, CREDENTIALS);
    try {
      const message = Buffer.from('throttled twice');
      expect(verifyEd25519(signer.publicKeyRaw, message, await signer.signAsync(message))).toBe(true);
      expect(kms.calls.filter((c) => c.target === 'TrentService.Sign')).toHaveLength(3);
      kms.options.throttleNext = 100;
      const before = kms.calls.length;
      let err: unknown;
      try {
        await signer.signAsync(message);
      } catch (e) {
        err = e;
      }
      expect(isParmanaError(err) && err.code === 'SIG-011' && err.retriable).toBe(true);
      expect(kms.calls.length - before).toBe(4);
    } finally {
      signer.close();
    }
  });

  it('refuses a key that is not an Ed25519 signing key, and fails closed on a refusal', async () => {
    const key = generateKeyPairSync('ed25519').privateKey;
    for (const describe of [
      { KeySpec: 'ECC_NIST_P256' },
      { KeyUsage: 'ENCRYPT_DECRYPT' },
      { SigningAlgorithms: ['ED25519_PH_SHA_512'] },
    ]) {
      const { spec } = await open({ privateKey: key, describe });
      expect(await codeOf(() => AwsKmsSigner.open(spec, CREDENTIALS))).toBe('SIG-008');
      await standIn?.stop();
    }
    const { spec } = await open({ privateKey: key, failWith: 'AccessDeniedException' });
    let err: unknown;
    try {
      await AwsKmsSigner.open(spec, CREDENTIALS);
    } catch (e) {
      err = e;
    }
    expect(isParmanaError(err) && err.code === 'SIG-014' && !err.retriable).toBe(true);
  });

  it('refuses a signature that does not verify with the public key (SIG-012)', async () => {
    const { kms, spec } = await open({ privateKey: generateKeyPairSync('ed25519').privateKey });
    const signer = await AwsKmsSigner.open(spec, CREDENTIALS);
    try {
      // The endpoint now signs with another key than the one it described.
      (kms.options as { privateKey: unknown }).privateKey = generateKeyPairSync('ed25519').privateKey;
      expect(await codeOf(() => signer.signAsync(Buffer.from('x')))).toBe('SIG-012');
    } finally {
      signer.close();
    }
  });
});
