import { describe, expect, it } from 'vitest';
import { verifyAttestation } from '../../core/attestation/verifyAttestation.js';
import { PAYLOAD_TYPES, signCanonical } from '../../core/dsse/Envelope.js';
import { sampleAttestationRecord } from '../../test/fixtures/sampleAttestation.js';
import { SEED_1, SEED_2, signerFromSeed, trustRoot } from '../../test/fixtures/testTrust.js';
import { inlineVerifier, type AttestationVerifier } from './AttestationVerifier.js';
import type { SignedOutcome } from './verifyOutcome.js';
import { verifyOutcomes } from './verifyOutcomes.js';

const WORKER = signerFromSeed(SEED_1);
const STRANGER = signerFromSeed(SEED_2);
const ROOT = trustRoot(1, [{ signer: WORKER, purposes: ['attestation-signing'] }]);

function attestation(executionId: string, signer = WORKER): SignedOutcome {
  const r = sampleAttestationRecord(signer, executionId, 'approve', '2026-01-01T00:00:00Z');
  return { ...r, kind: 'attestation', at: r.requestedAt };
}

function rejection(executionId: string, signer = WORKER): SignedOutcome {
  const s = signCanonical(PAYLOAD_TYPES.rejection, { executionId, code: 'VAL-004' }, signer);
  return {
    kind: 'rejection',
    executionId,
    at: '2026-01-01T00:00:01Z',
    payloadType: PAYLOAD_TYPES.rejection,
    payload: s.payload,
    signature: s.signature.toString('base64'),
    signerKeyId: s.keyId,
  };
}

/** Counts the envelopes it is handed: attestations go to it, and only they. */
function countingVerifier(): AttestationVerifier & { seen: number } {
  const inner = inlineVerifier(() => ROOT);
  const v = {
    seen: 0,
    verifyAll: (envelopes: Parameters<AttestationVerifier['verifyAll']>[0]) => {
      v.seen += envelopes.length;
      return inner.verifyAll(envelopes);
    },
    close: () => Promise.resolve(),
  };
  return v;
}

describe('verifyOutcomes', () => {
  it('answers in the order of the outcomes, attestations checked once by the verifier with their bodies', async () => {
    const verifier = countingVerifier();
    const checks = await verifyOutcomes(
      [
        attestation('a-1'),
        rejection('r-1'),
        attestation('a-2', STRANGER),
        rejection('r-2', STRANGER),
        attestation('a-3'),
      ],
      ROOT,
      verifier,
    );
    expect(verifier.seen).toBe(3);
    expect(checks.map((c) => c.valid)).toEqual([true, true, false, false, true]);
    expect(checks.map((c) => c.attestation?.executionId)).toEqual(['a-1', undefined, undefined, undefined, 'a-3']);
    expect(checks[2]?.problems[0]).toBe('ATT-006');
    expect(checks[3]?.problems).toEqual(['TRU-004']);
  });

  it('refuses an attestation whose body names another executionId (ATT-003) and never counts a missing result as valid', async () => {
    const swapped = { ...attestation('a-1'), executionId: 'someone-else' };
    expect(
      await verifyOutcomes(
        [swapped],
        ROOT,
        inlineVerifier(() => ROOT),
      ),
    ).toEqual([{ valid: false, problems: ['ATT-003'] }]);
    const short: AttestationVerifier = {
      verifyAll: (envelopes) => Promise.resolve(envelopes.slice(0, 1).map((e) => verifyAttestation(e, ROOT))),
      close: () => Promise.resolve(),
    };
    const checks = await verifyOutcomes([attestation('a-1'), attestation('a-2')], ROOT, short);
    expect(checks.map((c) => c.valid)).toEqual([true, false]);
    expect(checks[1]?.problems).toEqual(['ATT-005']);
  });
});
