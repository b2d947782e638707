import { sha256 } from '@noble/hashes/sha2.js';
import type { InclusionProofResponse } from '../../../api/contract.js';
import { canonicalJson } from './canonical.js';
import { verifyEd25519 } from './ed25519.js';
import { base64ToBytes, bytesToHex, concatBytes, utf8Encode } from './encoding.js';
import type { BrowserTrustedKey } from './trustRoot.js';

/** RFC 9162 leaf and node hashes (core/log/merkleHashes.ts, without Buffer). */
const leafHash = (entry: Uint8Array): Uint8Array => sha256(concatBytes(new Uint8Array([0]), entry));
const nodeHash = (l: Uint8Array, r: Uint8Array): Uint8Array => sha256(concatBytes(new Uint8Array([1]), l, r));

/** RFC 9162 §2.1.3.2: the root the proof leads to, or null when the proof is malformed for (index, size). */
export function rootFromInclusion(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[]) {
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0 || p.length !== 32) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

export interface BrowserInclusionCheck {
  readonly valid: boolean;
  readonly checkpointSigned: boolean;
  readonly treeSize: number | null;
  readonly rootHex: string | null;
  readonly problems: readonly string[];
}

/**
 * Verifies, in the browser, a proof from GET /log/proof/inclusion: the checkpoint note is signed by a trust-root key
 * with purpose log-signing (C2SP key ID and Ed25519 over the note text), and the RFC 9162 proof leads from the leaf of
 * the canonical envelope to the checkpoint's root. Nothing the server computed is taken on trust.
 */
export function verifyInclusionInBrowser(
  proof: InclusionProofResponse,
  keys: readonly BrowserTrustedKey[],
): BrowserInclusionCheck {
  const problems: string[] = [];
  const note = proof.checkpoint ?? '';
  const split = note.lastIndexOf('\n\n');
  const text = split === -1 ? '' : note.slice(0, split + 1);
  const [origin = '', sizeLine = '', rootLine = ''] = text.split('\n');
  const root = base64ToBytes(rootLine);
  let checkpointSigned = false;
  for (const line of note.slice(split + 2).split('\n')) {
    const [dash, name, sig] = line.split(' ');
    const raw = sig === undefined ? null : base64ToBytes(sig);
    if (dash !== '\u2014' || name !== origin || raw === null || raw.length !== 68) continue;
    for (const key of keys.filter((k) => k.purposes.includes('log-signing') && k.revokedAt === undefined)) {
      const id = sha256(concatBytes(utf8Encode(`${name}\n`), new Uint8Array([1]), key.publicKeyRaw)).slice(0, 4);
      if (bytesToHex(id) !== bytesToHex(raw.slice(0, 4))) continue;
      if (verifyEd25519(key.publicKeyRaw, utf8Encode(text), raw.slice(4))) checkpointSigned = true;
      else problems.push('LOG-004 checkpoint signature does not verify');
    }
  }
  if (!checkpointSigned) problems.push('LOG-003 no valid signature by a trusted log-signing key');
  const size = /^(0|[1-9][0-9]*)$/.test(sizeLine) ? Number(sizeLine) : null;
  if (size !== proof.treeSize) problems.push('LOG-005 the proof is not for the checkpoint size');
  const hashes = proof.hashes.map((h) => base64ToBytes(h));
  const leaf = leafHash(utf8Encode(canonicalJson(proof.envelope)));
  const computed = hashes.every((h) => h !== null)
    ? rootFromInclusion(proof.leafIndex, proof.treeSize, leaf, hashes)
    : null;
  if (computed === null || root === null || bytesToHex(computed) !== bytesToHex(root))
    problems.push('LOG-005 inclusion proof does not lead to the checkpoint root');
  return {
    valid: problems.length === 0,
    checkpointSigned,
    treeSize: size,
    rootHex: root === null ? null : bytesToHex(root),
    problems,
  };
}
