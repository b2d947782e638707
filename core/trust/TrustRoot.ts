import { parseJsonStrict } from '../canonical/parseJsonStrict.js';
import { keyIdOf, publicKeyFromPem, rawPublicKey } from '../crypto/ed25519Keys.js';
import { verifyEd25519 } from '../crypto/verifyEd25519.js';
import { PAYLOAD_TYPES } from '../dsse/Envelope.js';
import { pae } from '../dsse/pae.js';
import { ParmanaError } from '../errors/ParmanaError.js';

export type KeyPurpose = 'bundle-signing' | 'attestation-signing' | 'log-signing';
/** Every purpose a trust-root key may carry; a key signs only for the purposes it lists. */
export const KEY_PURPOSES: readonly KeyPurpose[] = ['bundle-signing', 'attestation-signing', 'log-signing'];
const PURPOSES = KEY_PURPOSES;

export interface TrustedKey {
  readonly keyId: string;
  readonly publicKeyPem: string;
  readonly publicKeyRaw: Buffer;
  readonly purposes: readonly KeyPurpose[];
  readonly notBefore: string;
  readonly notAfter: string;
  readonly revokedAt?: string;
}

export interface TrustRoot {
  readonly version: number;
  readonly keys: readonly TrustedKey[];
}

/** Looks keys up by id: rotation keeps old keys listed, so old attestations stay verifiable. */
export interface KeyResolver {
  resolve(keyId: string): TrustedKey | undefined;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

function fail(path: string, detail: string): never {
  throw new ParmanaError('TRU-001', { path, detail });
}

function isoField(obj: Record<string, unknown>, field: string, path: string): string {
  const v = obj[field];
  if (typeof v !== 'string' || !ISO.test(v) || Number.isNaN(Date.parse(v)))
    fail(`${path}.${field}`, 'RFC 3339 UTC time');
  return v;
}

/** Parses and checks trust-root.json; every problem is a TRU code naming the offending path. */
export function parseTrustRoot(text: string): TrustRoot {
  let raw: unknown;
  try {
    raw = parseJsonStrict(text);
  } catch (cause) {
    throw new ParmanaError('TRU-001', { path: '$', cause, detail: cause instanceof Error ? cause.message : '' });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('$', 'expected an object');
  const root = raw as Record<string, unknown>;
  if (!Number.isSafeInteger(root.version) || (root.version as number) < 1) fail('$.version', 'a positive integer');
  if (!Array.isArray(root.keys)) fail('$.keys', 'an array');
  const seen = new Set<string>();
  const keys = root.keys.map((k: unknown, i): TrustedKey => {
    const path = `$.keys[${i}]`;
    if (typeof k !== 'object' || k === null || Array.isArray(k)) fail(path, 'an object');
    const key = k as Record<string, unknown>;
    if (typeof key.keyId !== 'string' || !/^[0-9a-f]{64}$/.test(key.keyId)) fail(`${path}.keyId`, '64 lowercase hex');
    if (typeof key.publicKeyPem !== 'string') fail(`${path}.publicKeyPem`, 'a PEM string');
    let publicKeyRaw: Buffer;
    try {
      publicKeyRaw = rawPublicKey(publicKeyFromPem(key.publicKeyPem));
    } catch (cause) {
      throw new ParmanaError('TRU-010', { path: `${path}.publicKeyPem`, cause });
    }
    if (keyIdOf(publicKeyRaw) !== key.keyId) throw new ParmanaError('TRU-003', { path: `${path}.keyId` });
    if (seen.has(key.keyId)) fail(`${path}.keyId`, 'duplicate keyId');
    seen.add(key.keyId);
    const purposes = key.purposes;
    if (
      !Array.isArray(purposes) ||
      purposes.length === 0 ||
      !purposes.every((p) => PURPOSES.includes(p as KeyPurpose))
    ) {
      fail(`${path}.purposes`, `non-empty list of ${PURPOSES.join(', ')}`);
    }
    const notBefore = isoField(key, 'notBefore', path);
    const notAfter = isoField(key, 'notAfter', path);
    if (Date.parse(notAfter) <= Date.parse(notBefore)) fail(`${path}.notAfter`, 'must be after notBefore');
    const revokedAt = key.revokedAt === undefined ? undefined : isoField(key, 'revokedAt', path);
    return {
      keyId: key.keyId,
      publicKeyPem: key.publicKeyPem,
      publicKeyRaw,
      purposes: purposes as KeyPurpose[],
      notBefore,
      notAfter,
      ...(revokedAt === undefined ? {} : { revokedAt }),
    };
  });
  return { version: root.version as number, keys };
}

/** Checks trust-root.json's detached signature (base64 Ed25519 over its PAE) against root.pub, then parses it. */
export function verifyTrustRoot(jsonText: string, signatureB64: string, rootPublicPem: string): TrustRoot {
  let rootRaw: Buffer;
  try {
    rootRaw = rawPublicKey(publicKeyFromPem(rootPublicPem));
  } catch (cause) {
    throw new ParmanaError('TRU-010', { path: 'root.pub', cause });
  }
  const message = pae(PAYLOAD_TYPES.trustRoot, Buffer.from(jsonText, 'utf8'));
  if (!verifyEd25519(rootRaw, message, Buffer.from(signatureB64.trim(), 'base64'))) {
    throw new ParmanaError('TRU-002', { path: 'trust-root.sig' });
  }
  return parseTrustRoot(jsonText);
}

export function keyResolver(root: TrustRoot): KeyResolver {
  const byId = new Map(root.keys.map((k) => [k.keyId, k]));
  return { resolve: (keyId) => byId.get(keyId) };
}

export type KeyProblem = 'TRU-004' | 'TRU-005' | 'TRU-006' | 'TRU-007' | 'TRU-008';

/** Why a key may not be used for `purpose` at time `at` (empty when it may). */
export function checkKey(root: TrustRoot, keyId: string, purpose: KeyPurpose, at: string): KeyProblem[] {
  const key = root.keys.find((k) => k.keyId === keyId);
  if (key === undefined) return ['TRU-004'];
  const problems: KeyProblem[] = [];
  const t = Date.parse(at);
  if (!key.purposes.includes(purpose)) problems.push('TRU-005');
  if (Number.isNaN(t) || t < Date.parse(key.notBefore)) problems.push('TRU-006');
  if (Number.isNaN(t) || t > Date.parse(key.notAfter)) problems.push('TRU-007');
  if (key.revokedAt !== undefined && (Number.isNaN(t) || t >= Date.parse(key.revokedAt))) problems.push('TRU-008');
  return problems;
}
