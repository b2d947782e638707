import { describe, expect, it } from 'vitest';
import { SEED_1, SEED_2, signerFromSeed, trustRoot, trustRootJson } from '../../test/fixtures/testTrust.js';
import { PAYLOAD_TYPES } from '../dsse/Envelope.js';
import { pae } from '../dsse/pae.js';
import { publicKeyFromRaw, publicPem } from '../crypto/ed25519Keys.js';
import { checkKey, keyResolver, parseTrustRoot, verifyTrustRoot } from './TrustRoot.js';

const a = signerFromSeed(SEED_1);
const b = signerFromSeed(SEED_2);

function problem(text: string): { code: string; path: string | undefined } {
  try {
    parseTrustRoot(text);
  } catch (err) {
    const e = err as { code: string; path?: string };
    return { code: e.code, path: e.path };
  }
  throw new Error('expected a refusal');
}

describe('trust root', () => {
  it('parses keys and resolves them by keyId (rotation keeps old keys resolvable)', () => {
    const root = trustRoot(2, [
      { signer: a, purposes: ['attestation-signing'], notAfter: '2026-01-01T00:00:00Z' },
      { signer: b, purposes: ['attestation-signing'] },
    ]);
    expect(keyResolver(root).resolve(a.keyId)?.publicKeyRaw.equals(a.publicKeyRaw)).toBe(true);
    expect(checkKey(root, a.keyId, 'attestation-signing', '2025-06-01T00:00:00Z')).toEqual([]);
    expect(checkKey(root, b.keyId, 'attestation-signing', '2027-06-01T00:00:00Z')).toEqual([]);
  });

  it('reports each key problem', () => {
    const root = trustRoot(1, [
      {
        signer: a,
        purposes: ['bundle-signing'],
        notBefore: '2021-01-01T00:00:00Z',
        notAfter: '2025-01-01T00:00:00Z',
        revokedAt: '2024-01-01T00:00:00Z',
      },
    ]);
    expect(checkKey(root, b.keyId, 'bundle-signing', '2022-01-01T00:00:00Z')).toEqual(['TRU-004']);
    expect(checkKey(root, a.keyId, 'attestation-signing', '2022-01-01T00:00:00Z')).toEqual(['TRU-005']);
    expect(checkKey(root, a.keyId, 'bundle-signing', '2020-01-01T00:00:00Z')).toEqual(['TRU-006']);
    expect(checkKey(root, a.keyId, 'bundle-signing', '2026-01-01T00:00:00Z')).toEqual(['TRU-007', 'TRU-008']);
    expect(checkKey(root, a.keyId, 'bundle-signing', '2024-06-01T00:00:00Z')).toEqual(['TRU-008']);
  });

  it('names the offending part of a malformed trust root', () => {
    const good = JSON.parse(trustRootJson(1, [{ signer: a, purposes: ['attestation-signing'] }])) as {
      version: number;
      keys: Record<string, unknown>[];
    };
    const key = good.keys[0] ?? {};
    expect(problem('{')).toEqual({ code: 'TRU-001', path: '$' });
    expect(problem(JSON.stringify({ ...good, version: 0 }))).toEqual({ code: 'TRU-001', path: '$.version' });
    expect(problem(JSON.stringify({ ...good, keys: [{ ...key, keyId: 'f'.repeat(64) }] }))).toEqual({
      code: 'TRU-003',
      path: '$.keys[0].keyId',
    });
    expect(problem(JSON.stringify({ ...good, keys: [{ ...key, publicKeyPem: 'garbage' }] }))).toEqual({
      code: 'TRU-010',
      path: '$.keys[0].publicKeyPem',
    });
    expect(problem(JSON.stringify({ ...good, keys: [{ ...key, purposes: ['root'] }] }))).toEqual({
      code: 'TRU-001',
      path: '$.keys[0].purposes',
    });
    expect(problem(JSON.stringify({ ...good, keys: [key, key] }))).toEqual({
      code: 'TRU-001',
      path: '$.keys[1].keyId',
    });
    expect(problem(JSON.stringify({ ...good, keys: [{ ...key, notAfter: '2019-01-01T00:00:00Z' }] }))).toEqual({
      code: 'TRU-001',
      path: '$.keys[0].notAfter',
    });
  });

  it('verifies the root signature and refuses a changed byte', () => {
    const text = trustRootJson(1, [{ signer: a, purposes: ['attestation-signing'] }]);
    const rootPem = publicPem(publicKeyFromRaw(b.publicKeyRaw));
    const sig = Buffer.from(b.sign(pae(PAYLOAD_TYPES.trustRoot, Buffer.from(text)))).toString('base64');
    expect(verifyTrustRoot(text, sig, rootPem).version).toBe(1);
    expect(() => verifyTrustRoot(text.replace('"version":1', '"version":2'), sig, rootPem)).toThrow(/TRU-002/);
    expect(() => verifyTrustRoot(text, sig, 'not a pem')).toThrow(/TRU-010/);
  });
});
