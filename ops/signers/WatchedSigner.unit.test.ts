import { describe, expect, it } from 'vitest';
import type { SigningPort } from '../../core/crypto/SigningPort.js';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import { SEED_1, signerFromSeed } from '../../test/fixtures/testTrust.js';
import { WatchedSigner } from './WatchedSigner.js';

const KEY = signerFromSeed(SEED_1);

/** A device that fails while `failing` is set. */
function device(state: { failing: boolean }): SigningPort {
  return {
    keyId: KEY.keyId,
    publicKeyRaw: KEY.publicKeyRaw,
    signAsync: (m) => (state.failing ? Promise.reject(new ParmanaError('SIG-011')) : KEY.signAsync(m)),
  };
}

describe('WatchedSigner', () => {
  it('is down after a device failure and up again after the next signature', async () => {
    const state = { failing: false };
    const signer = new WatchedSigner(device(state));
    await signer.signAsync(Buffer.from('a'));
    expect(signer.down).toBe(false);
    state.failing = true;
    await expect(signer.signAsync(Buffer.from('b'))).rejects.toMatchObject({ code: 'SIG-011', retriable: true });
    expect(signer.down).toBe(true);
    state.failing = false;
    expect(Buffer.from(await signer.signAsync(Buffer.from('c')))).toEqual(Buffer.from(KEY.sign(Buffer.from('c'))));
    expect(signer.down).toBe(false);
  });

  it('does not count a refused message as the device being down', async () => {
    const signer = new WatchedSigner({
      ...device({ failing: false }),
      signAsync: () => Promise.reject(new ParmanaError('SIG-013')),
    });
    await expect(signer.signAsync(Buffer.alloc(5000))).rejects.toMatchObject({ code: 'SIG-013' });
    expect(signer.down).toBe(false);
  });
});
