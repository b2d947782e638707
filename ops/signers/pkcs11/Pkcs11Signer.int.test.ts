import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pkcs11js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyEd25519 } from '../../../core/crypto/verifyEd25519.js';
import { softHsmFixture, type SoftHsmFixture } from '../../../test/signers/softHsmFixture.js';
import { parseSignerSpec, type Pkcs11SignerSpec } from '../SignerSpec.js';
import { Pkcs11Module } from './Pkcs11Module.js';
import { Pkcs11Signer } from './Pkcs11Signer.js';
import { SOFTHSM2_MODULE } from './SoftHsmToken.js';
import { codeOf } from '../../../test/signers/codeOf.js';

let hsm: SoftHsmFixture;

function spec(uri: string): Pkcs11SignerSpec {
  const parsed = parseSignerSpec(uri, '/');
  if (parsed.kind !== 'pkcs11') throw new Error('not pkcs11');
  return parsed;
}

beforeAll(() => {
  expect(spawnSync('softhsm2-util', ['--version']).status, 'softhsm2 installed (stack prerequisites)').toBe(0);
  hsm = softHsmFixture();
  hsm.token('parmana-a');
  hsm.key('parmana-a', 'attestation', 1);
  hsm.key('parmana-a', 'twin', 2);
  hsm.key('parmana-a', 'twin', 3);
  hsm.token('parmana-b');
});

afterAll(() => {
  hsm.remove();
});

describe('Pkcs11Signer on SoftHSM2', () => {
  it('signs through the token; signatures verify with the public key read from the device', async () => {
    const signer = await Pkcs11Signer.open(spec(hsm.uri('parmana-a', 'attestation')));
    try {
      expect(signer.keyId).toMatch(/^[0-9a-f]{64}$/u);
      const messages = Array.from({ length: 50 }, (_, i) => Buffer.from(`message ${i}`));
      // More at once than the session pool: the rest wait for a session, none is refused.
      const signatures = await Promise.all(messages.map((m) => signer.signAsync(m)));
      signatures.forEach((sig, i) => {
        expect(verifyEd25519(signer.publicKeyRaw, messages[i] ?? Buffer.alloc(0), sig)).toBe(true);
      });
      // Ed25519 is deterministic: the same message gives the same bytes.
      expect(Buffer.from(await signer.signAsync(messages[0] ?? Buffer.alloc(0)))).toEqual(
        Buffer.from(signatures[0] ?? []),
      );
    } finally {
      signer.close();
    }
  });

  it('cannot read the private key out: CKA_VALUE is CKR_ATTRIBUTE_SENSITIVE', () => {
    const module = Pkcs11Module.open(SOFTHSM2_MODULE);
    const lib = module.lib;
    const session = lib.C_OpenSession(module.slotOf('parmana-a'), pkcs11js.CKF_SERIAL_SESSION);
    try {
      lib.C_Login(session, pkcs11js.CKU_USER, hsm.pinFile === '' ? '' : readPin(hsm.pinFile));
      lib.C_FindObjectsInit(session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
        { type: pkcs11js.CKA_LABEL, value: 'attestation' },
      ]);
      const [key] = lib.C_FindObjects(session, 1);
      lib.C_FindObjectsFinal(session);
      if (key === undefined) throw new Error('key not found');
      let code: unknown;
      try {
        lib.C_GetAttributeValue(session, key, [{ type: pkcs11js.CKA_VALUE }]);
      } catch (err) {
        code = (err as { code?: unknown }).code;
      }
      expect(code).toBe(pkcs11js.CKR_ATTRIBUTE_SENSITIVE);
      const [sensitive, extractable] = lib.C_GetAttributeValue(session, key, [
        { type: pkcs11js.CKA_SENSITIVE },
        { type: pkcs11js.CKA_EXTRACTABLE },
      ]);
      expect([sensitive?.value, extractable?.value]).toEqual([Buffer.from([1]), Buffer.from([0])]);
    } finally {
      lib.C_CloseSession(session);
      module.release();
    }
  });

  it('fails closed at start with a coded error', async () => {
    const good = hsm.uri('parmana-a', 'attestation');
    expect(await codeOf(() => Pkcs11Signer.open(spec(good.replace(SOFTHSM2_MODULE, '/nonexistent/lib.so'))))).toBe(
      'SIG-002',
    );
    expect(await codeOf(() => Pkcs11Signer.open(spec(hsm.uri('no-such-token', 'attestation'))))).toBe('SIG-003');
    expect(await codeOf(() => Pkcs11Signer.open(spec(hsm.uri('parmana-a', 'no-such-key'))))).toBe('SIG-006');
    expect(await codeOf(() => Pkcs11Signer.open(spec(hsm.uri('parmana-b', 'attestation'))))).toBe('SIG-006');
    expect(await codeOf(() => Pkcs11Signer.open(spec(hsm.uri('parmana-a', 'twin'))))).toBe('SIG-007');
    const wrongPin = join(hsm.dir, 'wrong.pin');
    writeFileSync(wrongPin, '000000\n', { mode: 0o600 });
    expect(await codeOf(() => Pkcs11Signer.open(spec(hsm.uri('parmana-a', 'attestation', wrongPin))))).toBe('SIG-005');
    const openPin = join(hsm.dir, 'open.pin');
    writeFileSync(openPin, '000000\n', { mode: 0o644 });
    expect(await codeOf(() => Pkcs11Signer.open(spec(hsm.uri('parmana-a', 'attestation', openPin))))).toBe('SIG-004');
    // The wrong PIN must not have locked the token for the right one.
    const signer = await Pkcs11Signer.open(spec(good));
    signer.close();
  });

  it('signs nothing while its sessions are gone, then signs again once the device is back', async () => {
    const signer = await Pkcs11Signer.open(spec(hsm.uri('parmana-a', 'attestation')));
    const module = Pkcs11Module.open(SOFTHSM2_MODULE);
    try {
      await signer.signAsync(Buffer.from('before'));
      // Another user of the library closes every session of the token: the signer's session handles die mid-flow.
      module.lib.C_CloseAllSessions(module.slotOf('parmana-a'));
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => signer.signAsync(Buffer.from(`during ${i}`))),
      );
      const failed = results.filter((r) => r.status === 'rejected');
      expect(failed.length).toBeGreaterThan(0);
      for (const r of failed) expect((r.reason as { code?: unknown }).code).toBe('SIG-011');
      // Whatever did come back verifies (nothing unverified is ever released).
      results.forEach((r, i) => {
        if (r.status === 'fulfilled')
          expect(verifyEd25519(signer.publicKeyRaw, Buffer.from(`during ${i}`), r.value)).toBe(true);
      });
      const after = await signer.signAsync(Buffer.from('after'));
      expect(verifyEd25519(signer.publicKeyRaw, Buffer.from('after'), after)).toBe(true);
    } finally {
      module.release();
      signer.close();
    }
  });
});

function readPin(file: string): string {
  return spawnSync('cat', [file], { encoding: 'utf8' }).stdout.trim();
}
