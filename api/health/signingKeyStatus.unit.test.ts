import { describe, expect, it } from 'vitest';
import { SEED_1, SEED_2, signerFromSeed, trustRoot } from '../../test/fixtures/testTrust.js';
import { signingKeyStatus } from './signingKeyStatus.js';

const KEY = signerFromSeed(SEED_1);
const REVOKED = signerFromSeed(SEED_2);
const ROOT = trustRoot(1, [
  { signer: KEY, purposes: ['attestation-signing'] },
  { signer: REVOKED, purposes: ['attestation-signing'], revokedAt: '2025-01-01T00:00:00Z' },
]);
const NOW = new Date('2026-06-01T00:00:00Z');

describe('signing key status in /health', () => {
  it('is down when a live worker is paused without a key (its signing device fails)', () => {
    expect(signingKeyStatus([{ status: 'paused', signerKeyId: null }], ROOT, NOW)).toEqual({
      status: 'down',
      keyId: null,
    });
  });

  it('is active, revoked or unknown as before', () => {
    expect(signingKeyStatus([{ status: 'running', signerKeyId: KEY.keyId }], ROOT, NOW).status).toBe('active');
    expect(signingKeyStatus([{ status: 'paused', signerKeyId: KEY.keyId }], ROOT, NOW).status).toBe('active');
    expect(signingKeyStatus([{ status: 'running', signerKeyId: REVOKED.keyId }], ROOT, NOW).status).toBe('revoked');
    expect(signingKeyStatus([{ status: 'running', signerKeyId: 'ab'.repeat(32) }], ROOT, NOW).status).toBe('untrusted');
    expect(signingKeyStatus([], ROOT, NOW)).toEqual({ status: 'unknown', keyId: null });
  });
});
