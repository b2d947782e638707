import { describe, expect, it } from 'vitest';
import { signCheckpoint } from '../../core/log/signCheckpoint.js';
import { verifyCheckpoint } from '../../core/log/verifyCheckpoint.js';
import { parseTrustRoot } from '../../core/trust/TrustRoot.js';
import { verifyCheckpointInBrowser } from '../../dashboard/src/verify/verifyCheckpointInBrowser.js';
import { SEED_1, SEED_2, SEED_3, signerFromSeed, trustRootJson, type KeySpec } from '../fixtures/testTrust.js';

const logKey = signerFromSeed(SEED_3);
const other = signerFromSeed(SEED_2);
const ORIGIN = 'parmana.test/browser-checkpoint';
const AT = new Date('2026-06-01T00:00:00Z');

function keysOf(specs: readonly KeySpec[]) {
  const root = parseTrustRoot(trustRootJson(1, specs));
  return {
    root,
    keys: root.keys.map((k) => ({ ...k, publicKeyRaw: new Uint8Array(k.publicKeyRaw) })),
  };
}

const trusted = keysOf([
  { signer: signerFromSeed(SEED_1), purposes: ['attestation-signing'] },
  { signer: logKey, purposes: ['log-signing'] },
]);

describe('signed checkpoints verified with the browser code (noble, no Buffer)', () => {
  it('agrees with the server-side verifier on genuine notes of many sizes', () => {
    for (const size of [0, 1, 2, 7, 64, 41_233, 2 ** 40]) {
      const rootHash = Buffer.alloc(32, size % 251);
      const note = signCheckpoint({ origin: ORIGIN, size, rootHash }, logKey);
      const server = verifyCheckpoint(note, trusted.root, { at: AT.toISOString() });
      const browser = verifyCheckpointInBrowser(note, trusted.keys, AT);
      expect(browser.problems).toEqual([]);
      expect(browser).toMatchObject({ signed: true, origin: ORIGIN, treeSize: server.size, signers: [logKey.keyId] });
      expect(browser.rootHex).toBe(server.rootHash.toString('hex'));
    }
  });

  it('refuses a changed size or root, a key without log-signing, a revoked or expired key, and garbage', () => {
    const note = signCheckpoint({ origin: ORIGIN, size: 9, rootHash: Buffer.alloc(32, 1) }, logKey);
    const bigger = verifyCheckpointInBrowser(note.replace('\n9\n', '\n10\n'), trusted.keys, AT);
    expect(bigger).toMatchObject({ signed: false, treeSize: 10 });
    expect(bigger.problems).toContain('LOG-004 checkpoint signature does not verify');
    const otherRoot = note.replace(Buffer.alloc(32, 1).toString('base64'), Buffer.alloc(32, 2).toString('base64'));
    expect(verifyCheckpointInBrowser(otherRoot, trusted.keys, AT).signed).toBe(false);

    const byStranger = signCheckpoint({ origin: ORIGIN, size: 9, rootHash: Buffer.alloc(32, 1) }, other);
    expect(verifyCheckpointInBrowser(byStranger, trusted.keys, AT).problems).toEqual([
      'LOG-003 no valid signature by a trusted log-signing key',
    ]);
    const attestationOnly = keysOf([{ signer: logKey, purposes: ['attestation-signing'] }]);
    expect(verifyCheckpointInBrowser(note, attestationOnly.keys, AT).signed).toBe(false);
    const revoked = keysOf([{ signer: logKey, purposes: ['log-signing'], revokedAt: '2026-01-01T00:00:00Z' }]);
    expect(verifyCheckpointInBrowser(note, revoked.keys, AT).signed).toBe(false);
    const expired = keysOf([{ signer: logKey, purposes: ['log-signing'], notAfter: '2026-02-01T00:00:00Z' }]);
    expect(verifyCheckpointInBrowser(note, expired.keys, AT).signed).toBe(false);

    const garbage = verifyCheckpointInBrowser('not a note', trusted.keys, AT);
    expect(garbage.signed).toBe(false);
    expect(garbage.problems[0]).toMatch(/^LOG-001/);
  });
});
