import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecisionRow, EnvelopeJson, TrustRootResponse } from '../../api/contract.js';
import { verifyAttestation } from '../../core/attestation/verifyAttestation.js';
import { attestationEnvelope } from '../../core/attestation/buildAttestationBody.js';
import { canonicalize } from '../../core/canonical/canonicalize.js';
import { publicKeyFromRaw, publicPem } from '../../core/crypto/ed25519Keys.js';
import { PAYLOAD_TYPES, signCanonical, toEnvelope } from '../../core/dsse/Envelope.js';
import { pae as corePae } from '../../core/dsse/pae.js';
import { parseTrustRoot } from '../../core/trust/TrustRoot.js';
import { canonicalJson } from '../../dashboard/src/verify/canonical.js';
import { compareWithRow } from '../../dashboard/src/verify/compareWithRow.js';
import { base64ToBytes } from '../../dashboard/src/verify/encoding.js';
import { pae } from '../../dashboard/src/verify/pae.js';
import { verifyTrustRoot } from '../../dashboard/src/verify/trustRoot.js';
import { BROWSER_CHECKS, verifyAttestationInBrowser } from '../../dashboard/src/verify/verifyAttestation.js';
import { sampleAttestationBody } from '../fixtures/sampleAttestation.js';
import { SEED_1, SEED_2, SEED_3, signerFromSeed, trustRootJson, type KeySpec } from '../fixtures/testTrust.js';

const root = signerFromSeed(SEED_1);
const signer = signerFromSeed(SEED_2);
const other = signerFromSeed(SEED_3);

/** GET /trust-root as the API serves it: the signed file, its detached signature and root.pub. */
function served(keys: readonly KeySpec[], rootSigner = root, version = 3): TrustRootResponse {
  const json = trustRootJson(version, keys);
  const signature = Buffer.from(rootSigner.sign(corePae(PAYLOAD_TYPES.trustRoot, Buffer.from(json, 'utf8')))).toString(
    'base64',
  );
  return {
    version,
    json,
    signature,
    payloadType: PAYLOAD_TYPES.trustRoot,
    rootPublicKeyPem: publicPem(publicKeyFromRaw(root.publicKeyRaw)),
    keys: parseTrustRoot(json).keys.map((k) => ({
      keyId: k.keyId,
      publicKeyHex: k.publicKeyRaw.toString('hex'),
      purposes: [...k.purposes],
      notBefore: k.notBefore,
      notAfter: k.notAfter,
      ...(k.revokedAt === undefined ? {} : { revokedAt: k.revokedAt }),
    })),
  };
}

const attestationKey: KeySpec = { signer, purposes: ['attestation-signing'] };
const trusted = served([attestationKey, { signer: other, purposes: ['bundle-signing'] }]);
const genuine = attestationEnvelope(sampleAttestationBody(signer, 'exec-1'), signer);

function withPayload(envelope: EnvelopeJson, edit: (text: string) => string): EnvelopeJson {
  const text = Buffer.from(envelope.payload, 'base64').toString('utf8');
  return { ...envelope, payload: Buffer.from(edit(text), 'utf8').toString('base64') };
}

describe('browser trust root check', () => {
  it('verifies the root signature over the PAE of the exact file text and shows the root key fingerprint', () => {
    const check = verifyTrustRoot(trusted);
    expect(check.valid).toBe(true);
    expect(check.version).toBe(3);
    expect(check.problems).toEqual([]);
    expect(check.rootFingerprint).toBe(root.keyId);
    expect(check.keys.map((k) => k.keyId)).toEqual([signer.keyId, other.keyId]);
    expect(Buffer.from(check.keys[0]?.publicKeyRaw ?? []).equals(signer.publicKeyRaw)).toBe(true);
  });

  it('refuses an altered file, a signature by another key and an unreadable root key', () => {
    const altered = { ...trusted, json: trusted.json.replace('"version":3', '"version":4') };
    expect(verifyTrustRoot(altered)).toMatchObject({ valid: false, keys: [], rootFingerprint: root.keyId });
    expect(verifyTrustRoot(served([attestationKey], other)).valid).toBe(false);
    expect(verifyTrustRoot({ ...trusted, signature: 'not base64!' }).valid).toBe(false);
    expect(verifyTrustRoot({ ...trusted, rootPublicKeyPem: 'nope' })).toMatchObject({
      valid: false,
      rootFingerprint: null,
    });
  });

  it('uses only the signed file: a server key list that differs is reported, not used', () => {
    const lying = { ...trusted, keys: trusted.keys.slice(0, 1) };
    const check = verifyTrustRoot(lying);
    expect(check.valid).toBe(true);
    expect(check.keys).toHaveLength(2);
    expect(check.problems.join()).toContain('differs');
  });
});

describe('browser attestation verification agrees with core', () => {
  const trust = verifyTrustRoot(trusted);
  const coreRoot = parseTrustRoot(trusted.json);

  it('a genuine attestation signed by core is valid, every check passing', () => {
    const result = verifyAttestationInBrowser(genuine, trust);
    expect(result.valid).toBe(true);
    expect(result.reasons).toEqual([]);
    expect(BROWSER_CHECKS.every((c) => result.checks[c] === 'pass')).toBe(true);
    expect(result.signerKeyId).toBe(signer.keyId);
    expect(result.payload).toMatchObject({ executionId: 'exec-1', decision: { action: 'approve' } });
    expect(verifyAttestation(genuine, coreRoot).valid).toBe(true);
  });

  it('a tampered payload (action changed after signing) fails the signature check', () => {
    const tampered = withPayload(genuine, (t) => t.replace('"action":"approve"', '"action":"reject"'));
    const result = verifyAttestationInBrowser(tampered, trust);
    expect(result.valid).toBe(false);
    expect(result.checks.signature).toBe('fail');
    expect(result.checks.body).toBe('pass');
    expect(result.reasons.map((r) => r.code)).toEqual(['ATT-005']);
    const core = verifyAttestation(tampered, coreRoot);
    expect([core.valid, core.checks.signature]).toEqual([false, false]);
  });

  it('the API test hook tampering (action suffixed) is invalid too', () => {
    const tampered = withPayload(genuine, (t) => t.replace(/"action":"([^"]*)"/, '"action":"$1-altered"'));
    expect(verifyAttestationInBrowser(tampered, trust).checks.signature).toBe('fail');
  });

  it('a flipped signature byte fails', () => {
    const sig = Buffer.from(genuine.signatures[0]?.sig ?? '', 'base64');
    sig[10] = (sig[10] ?? 0) ^ 1;
    const flipped = { ...genuine, signatures: [{ keyid: signer.keyId, sig: sig.toString('base64') }] };
    expect(verifyAttestationInBrowser(flipped, trust)).toMatchObject({ valid: false, checks: { signature: 'fail' } });
  });

  it('key problems: unknown key, wrong purpose, outside validity, revoked', () => {
    const unknown = verifyAttestationInBrowser(
      genuine,
      verifyTrustRoot(served([{ signer: other, purposes: ['attestation-signing'] }])),
    );
    expect(unknown).toMatchObject({ valid: false, checks: { keyKnown: 'fail', signature: 'skipped' } });

    const bundleOnly = verifyAttestationInBrowser(
      genuine,
      verifyTrustRoot(served([{ signer, purposes: ['bundle-signing'] }])),
    );
    expect(bundleOnly).toMatchObject({ valid: false, checks: { signature: 'pass', keyPurpose: 'fail' } });

    const expired = served([{ ...attestationKey, notAfter: '2025-06-01T00:00:00Z' }]);
    expect(verifyAttestationInBrowser(genuine, verifyTrustRoot(expired)).checks.keyValidAtRequestedAt).toBe('fail');
    expect(verifyAttestation(genuine, parseTrustRoot(expired.json)).checks.keyValidAtRequestedAt).toBe(false);

    const revoked = served([{ ...attestationKey, revokedAt: '2025-12-31T00:00:00Z' }]);
    expect(verifyAttestationInBrowser(genuine, verifyTrustRoot(revoked)).checks.keyNotRevoked).toBe('fail');
    // Revoked after the request: attestations made before the revocation stay valid.
    const later = served([{ ...attestationKey, revokedAt: '2026-06-01T00:00:00Z' }]);
    expect(verifyAttestationInBrowser(genuine, verifyTrustRoot(later)).valid).toBe(true);
  });

  it('an unverified trust root makes every attestation invalid', () => {
    const bad = verifyTrustRoot({ ...trusted, json: trusted.json.replace('"version":3', '"version":4') });
    expect(verifyAttestationInBrowser(genuine, bad)).toMatchObject({
      valid: false,
      checks: { trustRoot: 'fail', signature: 'skipped' },
    });
  });

  it('another payload type (a rejection signed by the same key) is refused', () => {
    const asRejection = toEnvelope(
      PAYLOAD_TYPES.rejection,
      signCanonical(PAYLOAD_TYPES.rejection, sampleAttestationBody(signer, 'x'), signer),
    );
    const result = verifyAttestationInBrowser(asRejection, trust);
    expect(result).toMatchObject({ valid: false, checks: { payloadType: 'fail', signature: 'pass' } });
  });

  it('a non-canonical payload is refused even when signed', () => {
    const body = sampleAttestationBody(signer, 'spaced');
    const text = JSON.stringify(body, null, 1);
    const payload = Buffer.from(text, 'utf8');
    const sig = Buffer.from(signer.sign(corePae(PAYLOAD_TYPES.attestation, payload))).toString('base64');
    const env = {
      payloadType: PAYLOAD_TYPES.attestation,
      payload: payload.toString('base64'),
      signatures: [{ keyid: signer.keyId, sig }],
    };
    expect(verifyAttestationInBrowser(env, trust).checks.body).toBe('fail');
    expect(verifyAttestation(env, coreRoot).checks.body).toBe(false);
  });

  it('never throws on hostile input', () => {
    for (const v of [
      null,
      1,
      'x',
      [],
      {},
      { payloadType: 1 },
      { ...genuine, signatures: [] },
      { ...genuine, payload: '%%%' },
    ]) {
      expect(verifyAttestationInBrowser(v, trust)).toMatchObject({ valid: false, checks: { envelope: 'fail' } });
    }
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(verifyAttestationInBrowser(v, trust).valid).toBe(false);
      }),
    );
  });
});

describe('browser primitives match core', () => {
  it('PAE bytes', () => {
    fc.assert(
      fc.property(fc.string(), fc.uint8Array({ maxLength: 300 }), (type, body) => {
        expect(Buffer.from(pae(type, body)).equals(corePae(type, body))).toBe(true);
      }),
    );
  });

  it('canonical JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        // JSON.parse(JSON.stringify(v)) normalises -0 and the like exactly as a payload round trip does.
        const parsed: unknown = JSON.parse(JSON.stringify(v));
        expect(canonicalJson(parsed)).toBe(canonicalize(parsed));
      }),
    );
  });

  it('strict base64', () => {
    expect(base64ToBytes('AAE=')).toEqual(new Uint8Array([0, 1]));
    for (const bad of ['AAE', 'AA E=', 'AA-_', '====', 'A===']) expect(base64ToBytes(bad)).toBeNull();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(base64ToBytes(Buffer.from(bytes).toString('base64'))).toEqual(bytes);
      }),
    );
  });
});

describe('audit row against the signed payload', () => {
  const body = sampleAttestationBody(signer, 'exec-9');
  const row: DecisionRow = {
    executionId: 'exec-9',
    policyId: body.policyId,
    policyVersion: body.policyVersion,
    action: body.decision.action,
    requires_override: body.decision.requires_override,
    execution_state: body.execution_state,
    ruleId: body.decision.ruleId,
    executionFingerprint: body.execution_fingerprint,
    requestedAt: '2026-01-01T00:00:00.000Z',
    signerKeyId: signer.keyId,
    recordedAt: '2026-01-01T00:00:01Z',
  };

  it('agrees when the row copies the payload (times compared as instants)', () => {
    expect(compareWithRow(JSON.parse(canonicalize(body)), row)).toEqual([]);
  });

  it('names each field that differs', () => {
    expect(compareWithRow({ ...body, decision: { ...body.decision, action: 'approve-altered' } }, row)).toEqual([
      { field: 'action', row: '"approve"', signed: '"approve-altered"' },
    ]);
    expect(compareWithRow({ ...body, requestedAt: undefined }, row)).toEqual([
      { field: 'requestedAt', row: '"2026-01-01T00:00:00.000Z"', signed: 'missing' },
    ]);
    expect(compareWithRow('not an object', row)).toEqual([]);
  });
});
