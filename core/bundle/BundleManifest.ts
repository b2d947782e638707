import { parseJsonStrict } from '../canonical/parseJsonStrict.js';
import { canonicalize } from '../canonical/canonicalize.js';
import type { Signer } from '../crypto/Signer.js';
import type { SigningPort } from '../crypto/SigningPort.js';
import { verifyEd25519 } from '../crypto/verifyEd25519.js';
import { PAYLOAD_TYPES, signCanonical, signCanonicalAsync } from '../dsse/Envelope.js';
import { pae } from '../dsse/pae.js';
import { ERROR_CODES } from '../errors/registry.js';
import { hashCanonical } from '../hash/hashCanonical.js';
import { sha256Hex } from '../hash/sha256.js';
import { checkKey, type TrustRoot } from '../trust/TrustRoot.js';

export interface BundleManifest {
  readonly manifestVersion: '1';
  readonly policyId: string;
  readonly policyVersion: string;
  /** Relative POSIX path -> SHA-256 hex, for every file of the bundle except manifest.json. */
  readonly files: Readonly<Record<string, string>>;
  readonly bundle_hash: string;
  readonly signerKeyId: string;
  readonly signature: string;
}

export type BundleFiles = ReadonlyMap<string, Uint8Array>;

export interface BundleProblem {
  readonly code: string;
  readonly path: string;
  readonly message: string;
}

export interface BundleVerification {
  readonly valid: boolean;
  readonly bundleHash: string | undefined;
  readonly problems: readonly BundleProblem[];
}

export const MANIFEST_FILE = 'manifest.json';

function hashes(files: BundleFiles): Record<string, string> {
  const out: Record<string, string> = {};
  for (const path of [...files.keys()].sort()) {
    const data = files.get(path);
    if (data !== undefined) out[path] = sha256Hex(data);
  }
  return out;
}

function signedPart(m: Omit<BundleManifest, 'signature'>): Omit<BundleManifest, 'signature'> {
  return {
    manifestVersion: m.manifestVersion,
    policyId: m.policyId,
    policyVersion: m.policyVersion,
    files: m.files,
    bundle_hash: m.bundle_hash,
    signerKeyId: m.signerKeyId,
  };
}

/** The manifest of a bundle: hash of every file, bundle_hash over them, Ed25519 signature over the canonical rest. */
export function buildManifest(
  files: BundleFiles,
  policyId: string,
  policyVersion: string,
  signer: Signer,
): BundleManifest {
  const unsigned = unsignedManifest(files, policyId, policyVersion, signer.keyId);
  const signed = signCanonical(PAYLOAD_TYPES.bundle, unsigned, signer);
  return { ...unsigned, signature: signed.signature.toString('base64') };
}

/** As buildManifest, through an asynchronous signer (HSM, KMS or file key). */
export async function buildManifestAsync(
  files: BundleFiles,
  policyId: string,
  policyVersion: string,
  signer: SigningPort,
): Promise<BundleManifest> {
  const unsigned = unsignedManifest(files, policyId, policyVersion, signer.keyId);
  const signed = await signCanonicalAsync(PAYLOAD_TYPES.bundle, unsigned, signer);
  return { ...unsigned, signature: signed.signature.toString('base64') };
}

function unsignedManifest(
  files: BundleFiles,
  policyId: string,
  policyVersion: string,
  signerKeyId: string,
): Omit<BundleManifest, 'signature'> {
  const fileHashes = hashes(files);
  const bundleHash = hashCanonical({ manifestVersion: '1', policyId, policyVersion, files: fileHashes });
  return signedPart({
    manifestVersion: '1',
    policyId,
    policyVersion,
    files: fileHashes,
    bundle_hash: bundleHash,
    signerKeyId,
  });
}

export function manifestText(manifest: BundleManifest): string {
  return `${JSON.stringify(JSON.parse(canonicalize(manifest)), null, 2)}\n`;
}

function problem(code: keyof typeof ERROR_CODES, path: string, detail?: string): BundleProblem {
  const base = ERROR_CODES[code].message;
  return { code, path, message: detail === undefined ? base : `${base}: ${detail}` };
}

function parseManifest(text: string): BundleManifest | BundleProblem {
  let raw: unknown;
  try {
    raw = parseJsonStrict(text);
  } catch (err) {
    return problem('BND-001', MANIFEST_FILE, err instanceof Error ? err.message : String(err));
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return problem('BND-001', '$', 'not an object');
  const m = raw as Record<string, unknown>;
  if (m.manifestVersion !== '1') return problem('BND-001', '$.manifestVersion', 'expected "1"');
  for (const f of ['policyId', 'policyVersion', 'bundle_hash', 'signerKeyId', 'signature'] as const) {
    if (typeof m[f] !== 'string') return problem('BND-001', `$.${f}`, 'expected a string');
  }
  const files = m.files;
  if (typeof files !== 'object' || files === null || Array.isArray(files))
    return problem('BND-001', '$.files', 'expected an object');
  for (const [path, hash] of Object.entries(files)) {
    if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash))
      return problem('BND-001', `$.files[${JSON.stringify(path)}]`, 'expected SHA-256 hex');
  }
  const known = new Set([
    'manifestVersion',
    'policyId',
    'policyVersion',
    'files',
    'bundle_hash',
    'signerKeyId',
    'signature',
  ]);
  const extra = Object.keys(m).find((k) => !known.has(k));
  if (extra !== undefined) return problem('BND-001', `$.${extra}`, 'unknown field');
  return m as unknown as BundleManifest;
}

/**
 * Verifies a bundle's files against its manifest, the manifest's hash and its signature against the trust root at
 * time `at`. Reports every problem with its own code; never throws.
 */
export function verifyBundle(
  files: BundleFiles,
  manifestJson: string | undefined,
  root: TrustRoot,
  at: string,
): BundleVerification {
  if (manifestJson === undefined)
    return { valid: false, bundleHash: undefined, problems: [problem('BND-001', MANIFEST_FILE, 'missing')] };
  const manifest = parseManifest(manifestJson);
  if ('code' in manifest) return { valid: false, bundleHash: undefined, problems: [manifest] };
  const problems: BundleProblem[] = [];
  const actual = hashes(files);
  for (const [path, hash] of Object.entries(manifest.files)) {
    if (actual[path] === undefined) problems.push(problem('BND-004', path));
    else if (actual[path] !== hash) problems.push(problem('BND-002', path));
  }
  for (const path of Object.keys(actual)) {
    if (!Object.hasOwn(manifest.files, path)) problems.push(problem('BND-003', path));
  }
  const expectedHash = hashCanonical({
    manifestVersion: '1',
    policyId: manifest.policyId,
    policyVersion: manifest.policyVersion,
    files: manifest.files,
  });
  if (expectedHash !== manifest.bundle_hash) problems.push(problem('BND-005', '$.bundle_hash'));
  const key = root.keys.find((k) => k.keyId === manifest.signerKeyId);
  if (key === undefined) problems.push(problem('BND-007', '$.signerKeyId', 'unknown key'));
  else {
    let payload: Buffer | undefined;
    try {
      payload = Buffer.from(canonicalize(signedPart(manifest)), 'utf8');
    } catch {
      payload = undefined;
    }
    const sig = Buffer.from(manifest.signature, 'base64');
    if (payload === undefined || !verifyEd25519(key.publicKeyRaw, pae(PAYLOAD_TYPES.bundle, payload), sig)) {
      problems.push(problem('BND-006', '$.signature'));
    }
    const keyProblems = checkKey(root, key.keyId, 'bundle-signing', at);
    if (keyProblems.includes('TRU-005')) problems.push(problem('BND-007', '$.signerKeyId', 'not a bundle-signing key'));
    if (keyProblems.some((p) => p === 'TRU-006' || p === 'TRU-007' || p === 'TRU-008')) {
      problems.push(problem('BND-008', '$.signerKeyId', keyProblems.join(', ')));
    }
  }
  return { valid: problems.length === 0, bundleHash: manifest.bundle_hash, problems };
}
