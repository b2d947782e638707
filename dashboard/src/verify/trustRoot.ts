import type { TrustRootResponse } from '../../../api/contract.js';
import { keyIdOf, rawKeyFromSpkiPem, verifyEd25519 } from './ed25519.js';
import { base64ToBytes, utf8Encode } from './encoding.js';
import { PAYLOAD_TYPES, pae } from './pae.js';

/** A key taken from the signed trust-root.json (never from the server's parsed copy). */
export interface BrowserTrustedKey {
  readonly keyId: string;
  readonly publicKeyRaw: Uint8Array;
  readonly purposes: readonly string[];
  readonly notBefore: string;
  readonly notAfter: string;
  readonly revokedAt?: string;
}

export interface TrustRootCheck {
  /** The signature over trust-root.json verified with root.pub and the file is well formed. */
  readonly valid: boolean;
  readonly version: number | null;
  /** SHA-256 (hex) of the raw root public key: compare it out of band with the one you expect. */
  readonly rootFingerprint: string | null;
  readonly problems: readonly string[];
  /** The keys of the signed file; empty unless valid. */
  readonly keys: readonly BrowserTrustedKey[];
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isoTime(v: unknown): v is string {
  return typeof v === 'string' && ISO.test(v) && !Number.isNaN(Date.parse(v));
}

function parseKeys(json: string, problems: string[]): { version: number; keys: BrowserTrustedKey[] } | null {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    problems.push('trust-root.json is not JSON');
    return null;
  }
  if (!isRecord(raw) || !Number.isSafeInteger(raw.version) || (raw.version as number) < 1 || !Array.isArray(raw.keys)) {
    problems.push('trust-root.json needs a positive integer version and a keys array');
    return null;
  }
  const keys: BrowserTrustedKey[] = [];
  raw.keys.forEach((k: unknown, i) => {
    const where = `keys[${i}]`;
    if (!isRecord(k) || typeof k.keyId !== 'string' || typeof k.publicKeyPem !== 'string') {
      problems.push(`${where}: keyId and publicKeyPem are required`);
      return;
    }
    const publicKeyRaw = rawKeyFromSpkiPem(k.publicKeyPem);
    if (publicKeyRaw === null) {
      problems.push(`${where}: publicKeyPem is not an Ed25519 public key`);
      return;
    }
    if (keyIdOf(publicKeyRaw) !== k.keyId) {
      problems.push(`${where}: keyId is not the SHA-256 of the public key`);
      return;
    }
    const purposes = k.purposes;
    if (!Array.isArray(purposes) || !purposes.every((p) => typeof p === 'string')) {
      problems.push(`${where}: purposes must be a list of strings`);
      return;
    }
    if (!isoTime(k.notBefore) || !isoTime(k.notAfter) || (k.revokedAt !== undefined && !isoTime(k.revokedAt))) {
      problems.push(`${where}: notBefore, notAfter and revokedAt must be RFC 3339 UTC times`);
      return;
    }
    keys.push({
      keyId: k.keyId,
      publicKeyRaw,
      purposes,
      notBefore: k.notBefore,
      notAfter: k.notAfter,
      ...(k.revokedAt === undefined ? {} : { revokedAt: k.revokedAt }),
    });
  });
  return { version: raw.version as number, keys };
}

/**
 * Checks GET /trust-root without taking the server's word: the detached signature over the DSSE PAE of the file's
 * exact text must verify with root.pub, and each listed key's id must be the hash of its key. The server's parsed
 * `keys` list is only compared with the signed file, never used.
 */
export function verifyTrustRoot(response: TrustRootResponse): TrustRootCheck {
  const problems: string[] = [];
  const fail = (rootFingerprint: string | null): TrustRootCheck => ({
    valid: false,
    version: null,
    rootFingerprint,
    problems,
    keys: [],
  });
  const rootRaw = rawKeyFromSpkiPem(response.rootPublicKeyPem);
  if (rootRaw === null) {
    problems.push('root.pub is not an Ed25519 public key');
    return fail(null);
  }
  const rootFingerprint = keyIdOf(rootRaw);
  if (response.payloadType !== PAYLOAD_TYPES.trustRoot)
    problems.push(`unexpected payload type ${response.payloadType}`);
  const signature = base64ToBytes(response.signature.trim());
  const signed =
    signature !== null && verifyEd25519(rootRaw, pae(PAYLOAD_TYPES.trustRoot, utf8Encode(response.json)), signature);
  if (!signed) problems.push('the trust root signature does not verify with root.pub');
  if (problems.length > 0) return fail(rootFingerprint);

  const parsed = parseKeys(response.json, problems);
  if (parsed === null || problems.length > 0) return fail(rootFingerprint);
  const served = new Map(response.keys.map((k) => [k.keyId, k]));
  const differs =
    response.version !== parsed.version ||
    served.size !== parsed.keys.length ||
    parsed.keys.some((k) => {
      const s = served.get(k.keyId);
      return s === undefined || s.notBefore !== k.notBefore || s.notAfter !== k.notAfter || s.revokedAt !== k.revokedAt;
    });
  // Not fatal (only the signed file is used) but worth seeing.
  const notes = differs ? ["the server's parsed key list differs from the signed file (the signed file is used)"] : [];
  return { valid: true, version: parsed.version, rootFingerprint, problems: notes, keys: parsed.keys };
}
