import { describe, expect, it } from 'vitest';
import { inclusionProof } from '../../api/log/logProofs.js';
import { MemoryLogReader } from '../../api/testing/MemoryLogReader.js';
import { attestationEnvelope } from '../../core/attestation/buildAttestationBody.js';
import { parseTrustRoot } from '../../core/trust/TrustRoot.js';
import { verifyInclusionInBrowser } from '../../dashboard/src/verify/verifyInclusionInBrowser.js';
import { sampleAttestationBody } from '../fixtures/sampleAttestation.js';
import { SEED_2, SEED_3, signerFromSeed, trustRootJson } from '../fixtures/testTrust.js';

const signer = signerFromSeed(SEED_2);
const logKey = signerFromSeed(SEED_3);
const keys = parseTrustRoot(
  trustRootJson(1, [
    { signer, purposes: ['attestation-signing'] },
    { signer: logKey, purposes: ['log-signing'] },
  ]),
).keys.map((k) => ({ ...k, publicKeyRaw: new Uint8Array(k.publicKeyRaw) }));

async function proofs(n: number) {
  const log = new MemoryLogReader();
  for (let i = 0; i < n; i++)
    log.append(attestationEnvelope(sampleAttestationBody(signer, `b-${i}`), signer), 'attestation', `b-${i}`);
  log.checkpoint('parmana.test/browser', logKey);
  return Promise.all(Array.from({ length: n }, (_, i) => inclusionProof(log, { index: i })));
}

describe('inclusion proofs verified with the browser code (noble, no Buffer)', () => {
  it('accepts every proof the server builds, for every index of trees of sizes 1-20', async () => {
    for (let n = 1; n <= 20; n++) {
      for (const p of await proofs(n)) {
        const check = verifyInclusionInBrowser(p, keys);
        expect(check.problems, `${p.leafIndex}/${n}`).toEqual([]);
        expect(check).toMatchObject({ valid: true, checkpointSigned: true, treeSize: n });
      }
    }
  });

  it('refuses a changed entry, a changed proof hash, a forged checkpoint and an untrusted key', async () => {
    const [p] = (await proofs(7)).slice(3);
    if (p === undefined) throw new Error('no proof');
    const otherPayload = { ...p, envelope: { ...p.envelope, payload: `${p.envelope.payload.slice(0, -4)}AAA=` } };
    expect(verifyInclusionInBrowser(otherPayload, keys).problems).toEqual([
      'LOG-005 inclusion proof does not lead to the checkpoint root',
    ]);
    const flipped = { ...p, hashes: p.hashes.map((h, i) => (i === 0 ? Buffer.alloc(32, 3).toString('base64') : h)) };
    expect(verifyInclusionInBrowser(flipped, keys).valid).toBe(false);
    const forged = { ...p, checkpoint: (p.checkpoint ?? '').replace('\n7\n', '\n8\n') };
    expect(verifyInclusionInBrowser(forged, keys).problems).toContain('LOG-004 checkpoint signature does not verify');
    const noLogKey = keys.map((k) => ({ ...k, purposes: ['attestation-signing'] }));
    expect(verifyInclusionInBrowser(p, noLogKey).checkpointSigned).toBe(false);
  });
});
