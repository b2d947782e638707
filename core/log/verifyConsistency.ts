import { ParmanaError } from '../errors/ParmanaError.js';
import { HASH_SIZE, nodeHash } from './merkleHashes.js';

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/**
 * RFC 9162 §2.1.4.2: checks that the tree of `to` leaves with root `newRoot` extends the tree of `from` leaves with
 * root `oldRoot`. Throws a coded LOG error saying why not: LOG-009 sizes out of order, LOG-006 malformed proof,
 * LOG-008 the proof does not lead to both roots.
 */
export function checkConsistency(
  from: number,
  to: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): void {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to) {
    throw new ParmanaError('LOG-009', { detail: `from ${from}, to ${to}` });
  }
  if (oldRoot.length !== HASH_SIZE || newRoot.length !== HASH_SIZE || proof.some((p) => p.length !== HASH_SIZE)) {
    throw new ParmanaError('LOG-006', { detail: `hashes are ${HASH_SIZE} bytes` });
  }
  if (from === 0) {
    if (proof.length !== 0) throw new ParmanaError('LOG-006', { detail: 'the empty tree needs no proof' });
    return;
  }
  if (from === to) {
    if (proof.length !== 0) throw new ParmanaError('LOG-006', { detail: 'equal sizes need no proof' });
    if (!Buffer.from(oldRoot).equals(newRoot)) throw new ParmanaError('LOG-008', { detail: 'same size, other root' });
    return;
  }
  if (proof.length === 0) throw new ParmanaError('LOG-006', { detail: 'empty proof' });
  const path = isPowerOfTwo(from) ? [oldRoot, ...proof] : [...proof];
  let fn = from - 1;
  let sn = to - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Buffer = Buffer.from(path[0] as Uint8Array);
  let sr: Buffer = Buffer.from(fr);
  for (const c of path.slice(1)) {
    if (sn === 0) throw new ParmanaError('LOG-006', { detail: 'proof too long' });
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new ParmanaError('LOG-006', { detail: 'proof too short' });
  if (!fr.equals(oldRoot) || !sr.equals(newRoot)) throw new ParmanaError('LOG-008');
}

/** Boolean form of checkConsistency; never throws. */
export function verifyConsistency(
  from: number,
  to: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  try {
    checkConsistency(from, to, oldRoot, newRoot, proof);
    return true;
  } catch {
    return false;
  }
}
