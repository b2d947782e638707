import { ParmanaError } from '../errors/ParmanaError.js';
import { HASH_SIZE, nodeHash } from './merkleHashes.js';

/**
 * RFC 9162 §2.1.3.2: the root a leaf hash and its inclusion proof lead to. Throws LOG-007 for an index outside the
 * tree and LOG-006 for a malformed proof (wrong hash size, too short, too long).
 */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
): Buffer {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new ParmanaError('LOG-007', { detail: `index ${index}, tree size ${size}` });
  }
  if (leaf.length !== HASH_SIZE || proof.some((p) => p.length !== HASH_SIZE)) {
    throw new ParmanaError('LOG-006', { detail: `hashes are ${HASH_SIZE} bytes` });
  }
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0) throw new ParmanaError('LOG-006', { detail: 'proof longer than the tree is deep' });
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new ParmanaError('LOG-006', { detail: 'proof shorter than the tree is deep' });
  return r;
}

/** True when the proof puts `leaf` at `index` of the tree of `size` leaves with root `root`; never throws. */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  try {
    return rootFromInclusionProof(index, size, leaf, proof).equals(root);
  } catch {
    return false;
  }
}
