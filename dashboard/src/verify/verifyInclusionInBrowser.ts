import { sha256 } from '@noble/hashes/sha2.js';
import type { InclusionProofResponse } from '../../../api/contract.js';
import { canonicalJson } from './canonical.js';
import { base64ToBytes, bytesToHex, concatBytes, utf8Encode } from './encoding.js';
import { verifyCheckpointInBrowser } from './verifyCheckpointInBrowser.js';
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
 * with purpose log-signing (verifyCheckpointInBrowser), and the RFC 9162 proof leads from the leaf of the canonical
 * envelope to the checkpoint's root. Nothing the server computed is taken on trust.
 */
export function verifyInclusionInBrowser(
  proof: InclusionProofResponse,
  keys: readonly BrowserTrustedKey[],
  at: Date = new Date(),
): BrowserInclusionCheck {
  const checkpoint = verifyCheckpointInBrowser(proof.checkpoint ?? '', keys, at);
  const problems = [...checkpoint.problems];
  if (checkpoint.treeSize !== proof.treeSize) problems.push('LOG-005 the proof is not for the checkpoint size');
  const hashes = proof.hashes.map((h) => base64ToBytes(h));
  const leaf = leafHash(utf8Encode(canonicalJson(proof.envelope)));
  const computed = hashes.every((h) => h !== null)
    ? rootFromInclusion(proof.leafIndex, proof.treeSize, leaf, hashes)
    : null;
  if (computed === null || checkpoint.rootHex === null || bytesToHex(computed) !== checkpoint.rootHex)
    problems.push('LOG-005 inclusion proof does not lead to the checkpoint root');
  return {
    valid: problems.length === 0,
    checkpointSigned: checkpoint.signed,
    treeSize: checkpoint.treeSize,
    rootHex: checkpoint.rootHex,
    problems,
  };
}
