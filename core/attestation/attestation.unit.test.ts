import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SEED_1, SEED_2, signerFromSeed, trustRoot } from '../../test/fixtures/testTrust.js';
import { canonicalize } from '../canonical/canonicalize.js';
import { verifyEd25519 } from '../crypto/verifyEd25519.js';
import { PAYLOAD_TYPES, toEnvelope, type Envelope } from '../dsse/Envelope.js';
import { pae } from '../dsse/pae.js';
import { attestationEnvelope, buildAttestationBody, signAttestation } from './buildAttestationBody.js';
import type { AttestationInput } from './AttestationBody.js';
import { verifyAttestation } from './verifyAttestation.js';

const signer = signerFromSeed(SEED_1);
const other = signerFromSeed(SEED_2);
const root = trustRoot(3, [
  { signer, purposes: ['attestation-signing'] },
  { signer: other, purposes: ['bundle-signing'] },
]);

const SIGNALS = { credit_score: 780, employment_status: 'employed', has_collateral: false, debt_to_income: 0.2 };
const INPUT: AttestationInput = {
  executionId: 'exec-0001',
  policyId: 'loan-approval',
  policyVersion: '1.0.0',
  schemaVersion: '1.0.0',
  signals: SIGNALS,
  decision: {
    action: 'approve',
    requires_override: false,
    reason: 'Prime credit and affordable',
    ruleId: 'approve-prime',
  },
  bundleHash: 'a'.repeat(64),
  trustRootVersion: 1,
  releaseManifestHash: 'b'.repeat(64),
  runtimeVersion: 'parmana-stream@0.1.0',
  signerKeyId: signer.keyId,
  requestedAt: '2026-01-02T03:04:05Z',
  provenance: { topic: 'parmana.requests', partition: 3, offset: '42' },
};

// Pinned vectors: Ed25519 is deterministic, so these bytes must never change for this key and input.
const PINNED = {
  publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  keyId: '21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9',
  fingerprint: '06ad31da5c670a23985d959873fc149ca2fe25ff559b80928eaa6c5ff7a528f7',
  signalsHash: '100404c26b7be6bd162fe2e1d097c32dcf417d063d4007b5f227945b2db538c8',
  body: '{"attestationVersion":"1","bundleHash":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","decision":{"action":"approve","reason":"Prime credit and affordable","requires_override":false,"ruleId":"approve-prime"},"executionId":"exec-0001","execution_fingerprint":"06ad31da5c670a23985d959873fc149ca2fe25ff559b80928eaa6c5ff7a528f7","execution_state":"completed","policyId":"loan-approval","policyVersion":"1.0.0","provenance":{"offset":"42","partition":3,"topic":"parmana.requests"},"releaseManifestHash":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","requestedAt":"2026-01-02T03:04:05Z","runtimeVersion":"parmana-stream@0.1.0","schemaVersion":"1.0.0","signalsHash":"100404c26b7be6bd162fe2e1d097c32dcf417d063d4007b5f227945b2db538c8","signerKeyId":"21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9","trustRootVersion":1}',
  signature: 'RLVCtoOtrzmH6DwosT21HpBdzKYYSlSO7KsODSQEiNBj1/H93vy5QHnJqpLEvzgKEm2YL9y/nYHQle1cvhNaDg==',
};

describe('Ed25519 primitives', () => {
  it('reproduce RFC 8032 test 1 with the native signer, and both verifiers accept it', () => {
    expect(signer.publicKeyRaw.toString('hex')).toBe(PINNED.publicKey);
    const sig = Buffer.from(signer.sign(new Uint8Array()));
    expect(sig.toString('hex')).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
    expect(verifyEd25519(signer.publicKeyRaw, new Uint8Array(), sig, 'node')).toBe(true);
    expect(verifyEd25519(signer.publicKeyRaw, new Uint8Array(), sig, 'noble')).toBe(true);
    expect(verifyEd25519(signer.publicKeyRaw, new Uint8Array([1]), sig, 'noble')).toBe(false);
    expect(verifyEd25519(new Uint8Array(31), new Uint8Array(), sig)).toBe(false);
    expect(verifyEd25519(signer.publicKeyRaw, new Uint8Array(), new Uint8Array(64))).toBe(false);
  });
});

describe('attestation pinned vectors', () => {
  const body = buildAttestationBody(INPUT);
  const signed = signAttestation(body, signer);

  it('has the pinned keyId, canonical bytes, fingerprint and signature', () => {
    expect(signer.keyId).toBe(PINNED.keyId);
    expect(createHash('sha256').update(signer.publicKeyRaw).digest('hex')).toBe(PINNED.keyId);
    expect(signed.payload.toString('utf8')).toBe(PINNED.body);
    expect(body.execution_fingerprint).toBe(PINNED.fingerprint);
    // The fingerprint is SHA-256 of the canonical {policyId, policyVersion, signals}, spelled out here independently.
    const text =
      '{"policyId":"loan-approval","policyVersion":"1.0.0","signals":{"credit_score":780,"debt_to_income":0.2,"employment_status":"employed","has_collateral":false}}';
    expect(createHash('sha256').update(text).digest('hex')).toBe(PINNED.fingerprint);
    expect(body.signalsHash).toBe(PINNED.signalsHash);
    expect(signed.signature.toString('base64')).toBe(PINNED.signature);
  });

  it('signs the DSSE PAE of the payload, verifiable by both implementations', () => {
    const message = pae(PAYLOAD_TYPES.attestation, signed.payload);
    expect(message.subarray(0, 61).toString()).toBe('DSSEv1 50 application/vnd.parmana.attestation+json;version=1 ');
    expect(message.subarray(61, 65).toString()).toBe(`${signed.payload.length} `);
    expect(verifyEd25519(signer.publicKeyRaw, message, signed.signature, 'node')).toBe(true);
    expect(verifyEd25519(signer.publicKeyRaw, message, signed.signature, 'noble')).toBe(true);
    const envelope = attestationEnvelope(body, signer);
    expect(verifyAttestation(envelope, root, { implementation: 'node' }).valid).toBe(true);
    expect(verifyAttestation(envelope, root, { implementation: 'noble' }).valid).toBe(true);
  });

  it('re-deciding the same input gives byte-identical output', () => {
    const again = signAttestation(buildAttestationBody({ ...INPUT, signals: { ...SIGNALS } }), signer);
    expect(again.payload.equals(signed.payload)).toBe(true);
    expect(again.signature.equals(signed.signature)).toBe(true);
  });
});

function resign(envelope: Envelope, mutate: (body: Record<string, unknown>) => void): Envelope {
  const body = JSON.parse(Buffer.from(envelope.payload, 'base64').toString()) as Record<string, unknown>;
  mutate(body);
  return { ...envelope, payload: Buffer.from(canonicalize(body)).toString('base64') };
}

describe('attestation tamper detection', () => {
  const envelope = attestationEnvelope(buildAttestationBody(INPUT), signer);
  const fields = Object.keys(JSON.parse(PINNED.body) as object);

  it.each(fields)('changing %s invalidates the signature', (field) => {
    const tampered = resign(envelope, (b) => {
      const v = b[field];
      b[field] = typeof v === 'number' ? v + 1 : typeof v === 'string' ? `${v}x` : { tampered: true };
    });
    const result = verifyAttestation(tampered, root);
    expect(result.valid).toBe(false);
    expect(result.checks.signature).toBe(false);
    expect(result.reasons.map((r) => r.code)).toContain('ATT-005');
  });

  it.each(['action', 'requires_override', 'reason', 'ruleId'])(
    'changing decision.%s invalidates the signature',
    (field) => {
      const tampered = resign(envelope, (b) => {
        const d = b.decision as Record<string, unknown>;
        d[field] = typeof d[field] === 'boolean' ? !d[field] : 'reject';
      });
      expect(verifyAttestation(tampered, root).reasons.map((r) => r.code)).toContain('ATT-005');
    },
  );

  it('reports each kind of problem with its code', () => {
    const codes = (e: unknown): string[] => verifyAttestation(e, root).reasons.map((r) => r.code);
    expect(codes({ ...envelope, payloadType: PAYLOAD_TYPES.rejection })).toEqual(['ATT-002', 'ATT-005']);
    expect(
      codes({ ...envelope, signatures: [{ keyid: 'f'.repeat(64), sig: envelope.signatures[0]?.sig ?? '' }] }),
    ).toEqual(['ATT-011', 'ATT-006']);
    const spaced = Buffer.from(JSON.stringify(JSON.parse(PINNED.body), null, 1)).toString('base64');
    expect(codes({ ...envelope, payload: spaced })).toEqual(['ATT-003']);
    expect(codes({ payloadType: 'x' })).toEqual(['ATT-001']);
    const byBundleKey = toEnvelope(
      PAYLOAD_TYPES.attestation,
      signAttestation(buildAttestationBody({ ...INPUT, signerKeyId: other.keyId }), other),
    );
    expect(codes(byBundleKey)).toEqual(['ATT-007']);
  });

  it('checks the key against requestedAt: not yet valid, expired, revoked', () => {
    const at = (requestedAt: string): string[] =>
      verifyAttestation(
        attestationEnvelope(buildAttestationBody({ ...INPUT, requestedAt }), signer),
        rootWith,
      ).reasons.map((r) => r.code);
    const rootWith = trustRoot(4, [
      {
        signer,
        purposes: ['attestation-signing'],
        notBefore: '2021-01-01T00:00:00Z',
        notAfter: '2027-01-01T00:00:00Z',
        revokedAt: '2026-06-01T00:00:00Z',
      },
    ]);
    expect(at('2026-01-02T03:04:05Z')).toEqual([]);
    expect(at('2020-06-01T00:00:00Z')).toEqual(['ATT-008']);
    expect(at('2028-01-01T00:00:00Z')).toEqual(['ATT-008', 'ATT-009']);
    expect(at('2026-07-01T00:00:00Z')).toEqual(['ATT-009']);
  });

  it('checks the fingerprint when signals are supplied', () => {
    expect(verifyAttestation(envelope, root, { signals: SIGNALS }).checks.fingerprint).toBe(true);
    const wrong = verifyAttestation(envelope, root, { signals: { ...SIGNALS, credit_score: 500 } });
    expect(wrong.checks.fingerprint).toBe(false);
    expect(wrong.reasons.map((r) => r.code)).toEqual(['ATT-010']);
  });

  it('never throws on hostile input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record({
            payloadType: fc.string(),
            payload: fc.base64String(),
            signatures: fc.array(fc.record({ keyid: fc.string(), sig: fc.base64String() })),
          }),
        ),
        (input) => {
          const result = verifyAttestation(input, root, { signals: input });
          expect(result.valid).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });
});
