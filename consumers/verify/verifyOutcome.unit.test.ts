import { describe, expect, it } from 'vitest';
import { PAYLOAD_TYPES, signCanonical } from '../../core/dsse/Envelope.js';
import { sampleAttestationRecord } from '../../test/fixtures/sampleAttestation.js';
import { SEED_1, SEED_2, SEED_3, signerFromSeed, trustRoot } from '../../test/fixtures/testTrust.js';
import { verifyOutcome, type SignedOutcome } from './verifyOutcome.js';

const WORKER = signerFromSeed(SEED_1);
const STRANGER = signerFromSeed(SEED_2);
const LOG = signerFromSeed(SEED_3);
const ROOT = trustRoot(1, [
  { signer: WORKER, purposes: ['attestation-signing'], revokedAt: '2027-06-01T00:00:00Z' },
  { signer: LOG, purposes: ['log-signing'] },
]);

function attestation(signer = WORKER, executionId = 'e-1', requestedAt = '2026-01-01T00:00:00Z'): SignedOutcome {
  const r = sampleAttestationRecord(signer, executionId, 'approve', requestedAt);
  return { ...r, kind: 'attestation', at: r.requestedAt };
}

function override(signer = WORKER, at = '2026-01-01T00:00:01Z'): SignedOutcome {
  const s = signCanonical(PAYLOAD_TYPES.override, { executionId: 'e-2', status: 'approved' }, signer);
  return {
    kind: 'override',
    executionId: 'e-2',
    at,
    payloadType: PAYLOAD_TYPES.override,
    payload: s.payload,
    signature: s.signature.toString('base64'),
    signerKeyId: s.keyId,
  };
}

describe('verifyOutcome', () => {
  it('accepts what the worker signed', () => {
    const accepted = verifyOutcome(attestation(), ROOT);
    expect([accepted.valid, accepted.problems, accepted.attestation?.executionId]).toEqual([true, [], 'e-1']);
    expect(accepted.attestation?.decision.action).toBe('approve');
    expect(verifyOutcome(override(), ROOT)).toEqual({ valid: true, problems: [] });
  });

  it('refuses a key the trust root does not list (ATT-006 / TRU-004) and one not trusted for attestations', () => {
    expect(verifyOutcome(attestation(STRANGER), ROOT).problems[0]).toBe('ATT-006');
    expect(verifyOutcome(override(STRANGER), ROOT)).toEqual({ valid: false, problems: ['TRU-004'] });
    expect(verifyOutcome(attestation(LOG), ROOT).valid).toBe(false);
    expect(verifyOutcome(override(LOG), ROOT).valid).toBe(false);
  });

  it('refuses a signature over other bytes (ATT-005)', () => {
    const other = attestation(WORKER, 'e-9');
    expect(verifyOutcome({ ...attestation(), signature: other.signature }, ROOT).problems).toContain('ATT-005');
    const o = override();
    expect(verifyOutcome({ ...o, payload: Buffer.concat([o.payload, Buffer.from(' ')]) }, ROOT).problems[0]).toBe(
      'ATT-005',
    );
  });

  it('refuses a payload type that is not its topic’s (ATT-002) and a body naming another executionId (ATT-003)', () => {
    expect(verifyOutcome({ ...attestation(), kind: 'rejection' }, ROOT)).toEqual({
      valid: false,
      problems: ['ATT-002'],
    });
    expect(verifyOutcome({ ...attestation(), executionId: 'someone-else' }, ROOT)).toEqual({
      valid: false,
      problems: ['ATT-003'],
    });
  });

  it('refuses an outcome dated after its key was revoked', () => {
    expect(verifyOutcome(attestation(WORKER, 'e-1', '2027-07-01T00:00:00Z'), ROOT).valid).toBe(false);
    expect(verifyOutcome(override(WORKER, '2027-07-01T00:00:00Z'), ROOT).valid).toBe(false);
  });
});
