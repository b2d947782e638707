import type { EnvelopeJson, VerificationResult } from '../../../api/contract.js';
import { canonicalJson } from './canonical.js';
import { verifyEd25519 } from './ed25519.js';
import { base64ToBytes, utf8Decode } from './encoding.js';
import { PAYLOAD_TYPES, pae } from './pae.js';
import type { TrustRootCheck } from './trustRoot.js';

/** pass | fail | skipped, as the server reports its checks. */
export type CheckResult = VerificationResult['checks'][string];

/** The checks in the order they run; the names the server uses where it has the same check. */
export const BROWSER_CHECKS = [
  'trustRoot',
  'envelope',
  'payloadType',
  'body',
  'version',
  'keyidMatchesBody',
  'keyKnown',
  'signature',
  'keyPurpose',
  'keyValidAtRequestedAt',
  'keyNotRevoked',
] as const;
export type BrowserCheck = (typeof BROWSER_CHECKS)[number];

/** The server's verification result, for the browser's own checks, with the payload it decoded. */
export interface BrowserVerification extends Pick<VerificationResult, 'valid' | 'reasons' | 'signerKeyId'> {
  readonly checks: Readonly<Record<BrowserCheck, CheckResult>>;
  /** The decoded payload text (when it is UTF-8), shown as is. */
  readonly payloadText: string | null;
  /** The parsed payload (when it is JSON). */
  readonly payload: unknown;
}

const REQUIRED_STRINGS = [
  'attestationVersion',
  'executionId',
  'execution_fingerprint',
  'policyId',
  'policyVersion',
  'signerKeyId',
  'requestedAt',
] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The envelope's parts when it is a DSSE envelope with exactly one signature and valid base64. */
function envelopeParts(
  envelope: unknown,
): { payloadType: string; payloadBytes: Uint8Array; keyid: string; sig: Uint8Array } | null {
  if (!isRecord(envelope)) return null;
  const { payloadType, payload, signatures } = envelope as Partial<Record<keyof EnvelopeJson, unknown>>;
  if (typeof payloadType !== 'string' || typeof payload !== 'string') return null;
  if (!Array.isArray(signatures) || signatures.length !== 1) return null;
  const entry: unknown = signatures[0];
  if (!isRecord(entry) || typeof entry.keyid !== 'string' || typeof entry.sig !== 'string') return null;
  const payloadBytes = base64ToBytes(payload);
  const sig = base64ToBytes(entry.sig);
  if (payloadBytes === null || sig === null) return null;
  return { payloadType, payloadBytes, keyid: entry.keyid, sig };
}

/**
 * Verifies a DSSE attestation envelope in the browser against a trust root verified by verifyTrustRoot: the
 * signature over the PAE with the key whose keyId matches, that key listed for attestation-signing, valid at the
 * body's requestedAt and not revoked by then. Never throws; checks that could not run are "skipped".
 */
export function verifyAttestationInBrowser(envelope: unknown, trust: TrustRootCheck): BrowserVerification {
  const checks = Object.fromEntries(BROWSER_CHECKS.map((c) => [c, 'skipped'])) as Record<BrowserCheck, CheckResult>;
  const reasons: { code: string; message: string }[] = [];
  let payloadText: string | null = null;
  let payload: unknown = null;
  let signerKeyId: string | null = null;
  const set = (check: BrowserCheck, ok: boolean, code: string, message: string): boolean => {
    checks[check] = ok ? 'pass' : 'fail';
    if (!ok) reasons.push({ code, message });
    return ok;
  };
  const done = (): BrowserVerification => ({
    valid: reasons.length === 0 && BROWSER_CHECKS.every((c) => checks[c] === 'pass'),
    checks,
    reasons,
    payloadText,
    payload,
    signerKeyId,
  });

  set('trustRoot', trust.valid, 'TRU-002', 'the trust root could not be verified with root.pub');

  const parts = envelopeParts(envelope);
  if (!set('envelope', parts !== null, 'ATT-001', 'not a DSSE envelope with one base64 signature') || parts === null)
    return done();
  const { payloadType, payloadBytes, keyid, sig } = parts;
  set('payloadType', payloadType === PAYLOAD_TYPES.attestation, 'ATT-002', 'unexpected payload type');

  payloadText = utf8Decode(payloadBytes);
  try {
    payload = payloadText === null ? null : JSON.parse(payloadText);
  } catch {
    payload = null;
  }
  const body = isRecord(payload) && REQUIRED_STRINGS.every((f) => typeof payload[f] === 'string') ? payload : null;
  const bodyOk =
    body !== null && isRecord(body.decision) && payloadText !== null && canonicalJson(body) === payloadText;
  if (!set('body', bodyOk, 'ATT-003', 'the payload is not a canonical attestation body') || body === null)
    return done();
  const requestedAt = body.requestedAt as string;
  signerKeyId = body.signerKeyId as string;
  set('version', body.attestationVersion === '1', 'ATT-004', 'unsupported attestation version');
  set('keyidMatchesBody', keyid === signerKeyId, 'ATT-011', "the envelope's keyid is not the body's signerKeyId");
  if (!trust.valid) return done();

  const key = trust.keys.find((k) => k.keyId === keyid);
  if (!set('keyKnown', key !== undefined, 'ATT-006', 'the signing key is not in the trust root') || key === undefined)
    return done();
  set(
    'signature',
    verifyEd25519(key.publicKeyRaw, pae(payloadType, payloadBytes), sig),
    'ATT-005',
    'the Ed25519 signature does not verify',
  );
  set(
    'keyPurpose',
    key.purposes.includes('attestation-signing'),
    'ATT-007',
    'the key is not listed for attestation-signing',
  );
  const t = Date.parse(requestedAt);
  set(
    'keyValidAtRequestedAt',
    !Number.isNaN(t) && t >= Date.parse(key.notBefore) && t <= Date.parse(key.notAfter),
    'ATT-008',
    'the key was not valid at requestedAt',
  );
  set(
    'keyNotRevoked',
    key.revokedAt === undefined || (!Number.isNaN(t) && t < Date.parse(key.revokedAt)),
    'ATT-009',
    'the key was revoked at requestedAt',
  );
  return done();
}
