import { canonicalize } from '../canonical/canonicalize.js';
import { parseJsonStrict } from '../canonical/parseJsonStrict.js';
import { verifyEd25519, type Ed25519Implementation } from '../crypto/verifyEd25519.js';
import { PAYLOAD_TYPES } from '../dsse/Envelope.js';
import { pae } from '../dsse/pae.js';
import { ERROR_CODES } from '../errors/registry.js';
import { validateSignals } from '../signals/validateSignals.js';
import { checkKey, type TrustRoot } from '../trust/TrustRoot.js';
import { ATTESTATION_VERSION, type AttestationBody } from './AttestationBody.js';
import { executionFingerprint } from './executionFingerprint.js';
import type { SignalSpec } from '../policy/Policy.js';

export interface AttestationChecks {
  envelope: boolean;
  payloadType: boolean;
  body: boolean;
  version: boolean;
  signature: boolean;
  keyKnown: boolean;
  keyPurpose: boolean;
  keyValidAtRequestedAt: boolean;
  keyNotRevoked: boolean;
  fingerprint?: boolean;
}

export interface AttestationVerification {
  readonly valid: boolean;
  readonly checks: AttestationChecks;
  readonly reasons: readonly { code: string; message: string }[];
  readonly body?: AttestationBody;
}

export interface VerifyOptions {
  /** Raw signals to check the fingerprint against (normalised with `signalsSchema` when given). */
  readonly signals?: unknown;
  readonly signalsSchema?: Readonly<Record<string, SignalSpec>>;
  readonly implementation?: Ed25519Implementation;
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isBody(v: unknown): v is AttestationBody {
  if (!isRecord(v) || !isRecord(v.decision)) return false;
  const strings = [
    'attestationVersion',
    'executionId',
    'execution_fingerprint',
    'policyId',
    'policyVersion',
    'signerKeyId',
    'requestedAt',
  ];
  return strings.every((f) => typeof v[f] === 'string');
}

/**
 * Verifies a DSSE attestation envelope against the trust root. Never throws: hostile input gives valid=false with
 * the failed checks and their ATT codes.
 */
export function verifyAttestation(
  envelope: unknown,
  root: TrustRoot,
  options: VerifyOptions = {},
): AttestationVerification {
  const checks: AttestationChecks = {
    envelope: false,
    payloadType: false,
    body: false,
    version: false,
    signature: false,
    keyKnown: false,
    keyPurpose: false,
    keyValidAtRequestedAt: false,
    keyNotRevoked: false,
  };
  const reasons: { code: string; message: string }[] = [];
  const reason = (code: keyof typeof ERROR_CODES, detail?: string): void => {
    reasons.push({
      code,
      message: detail === undefined ? ERROR_CODES[code].message : `${ERROR_CODES[code].message}: ${detail}`,
    });
  };
  const done = (body?: AttestationBody): AttestationVerification => ({
    valid: reasons.length === 0,
    checks,
    reasons,
    ...(body === undefined ? {} : { body }),
  });

  if (
    !isRecord(envelope) ||
    typeof envelope.payloadType !== 'string' ||
    typeof envelope.payload !== 'string' ||
    !Array.isArray(envelope.signatures) ||
    envelope.signatures.length !== 1
  ) {
    reason('ATT-001');
    return done();
  }
  const sigEntry: unknown = envelope.signatures[0];
  if (
    !isRecord(sigEntry) ||
    typeof sigEntry.keyid !== 'string' ||
    typeof sigEntry.sig !== 'string' ||
    !B64.test(sigEntry.sig) ||
    !B64.test(envelope.payload)
  ) {
    reason('ATT-001');
    return done();
  }
  checks.envelope = true;
  checks.payloadType = envelope.payloadType === PAYLOAD_TYPES.attestation;
  if (!checks.payloadType) reason('ATT-002', envelope.payloadType.slice(0, 100));

  const payload = Buffer.from(envelope.payload, 'base64');
  let body: AttestationBody | undefined;
  try {
    const parsed = parseJsonStrict(payload.toString('utf8'));
    // Only the canonical encoding is accepted, so one decision has exactly one signed byte string.
    if (isBody(parsed) && canonicalize(parsed) === payload.toString('utf8')) body = parsed;
  } catch {
    body = undefined;
  }
  if (body === undefined) {
    reason('ATT-003');
    return done();
  }
  checks.body = true;
  checks.version = body.attestationVersion === ATTESTATION_VERSION;
  if (!checks.version) reason('ATT-004', body.attestationVersion.slice(0, 20));
  if (sigEntry.keyid !== body.signerKeyId) reason('ATT-011');

  const key = root.keys.find((k) => k.keyId === sigEntry.keyid);
  checks.keyKnown = key !== undefined;
  if (key === undefined) {
    reason('ATT-006', sigEntry.keyid.slice(0, 64));
  } else {
    checks.signature = verifyEd25519(
      key.publicKeyRaw,
      pae(envelope.payloadType, payload),
      Buffer.from(sigEntry.sig, 'base64'),
      options.implementation,
    );
    if (!checks.signature) reason('ATT-005');
    const problems = checkKey(root, key.keyId, 'attestation-signing', body.requestedAt);
    checks.keyPurpose = !problems.includes('TRU-005');
    checks.keyValidAtRequestedAt = !problems.includes('TRU-006') && !problems.includes('TRU-007');
    checks.keyNotRevoked = !problems.includes('TRU-008');
    if (!checks.keyPurpose) reason('ATT-007');
    if (!checks.keyValidAtRequestedAt) reason('ATT-008');
    if (!checks.keyNotRevoked) reason('ATT-009');
  }
  if (options.signals !== undefined) {
    let signals: unknown = options.signals;
    if (options.signalsSchema !== undefined) {
      const v = validateSignals(options.signalsSchema, options.signals);
      signals = v.ok ? v.signals : undefined;
    }
    try {
      checks.fingerprint =
        signals !== undefined &&
        executionFingerprint(body.policyId, body.policyVersion, signals) === body.execution_fingerprint;
    } catch {
      checks.fingerprint = false;
    }
    if (!checks.fingerprint) reason('ATT-010');
  }
  return done(body);
}
