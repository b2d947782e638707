import { ParmanaError } from '../errors/ParmanaError.js';
import type { ProofPlan } from './ProofPlan.js';
import { rangeSubtrees, splitPoint } from './rangeSubtrees.js';
import type { SubtreeRef } from './SubtreeRef.js';

/**
 * RFC 9162 §2.1.4.1 PROOF(m, D[n]) = SUBPROOF(m, D[n], true) as stored subtrees, smallest subtree first. Empty when
 * m = n or m = 0 (nothing to prove: the empty tree is a prefix of every tree).
 */
export function consistencyProofPlan(from: number, to: number): ProofPlan {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to) {
    throw new ParmanaError('LOG-009', { detail: `from ${from}, to ${to}` });
  }
  if (from === 0 || from === to) return [];
  const proof: SubtreeRef[][] = [];
  let start = 0;
  let n = to;
  let m = from;
  let complete = true;
  while (m !== n) {
    const k = splitPoint(n);
    if (m <= k) {
      proof.push(rangeSubtrees(start + k, start + n));
      n = k;
    } else {
      proof.push(rangeSubtrees(start, start + k));
      start += k;
      m -= k;
      n -= k;
      complete = false;
    }
  }
  // SUBPROOF(m, D[m], false) = {MTH(D[m])}: the old tree's own subtree is needed unless it is the whole old tree.
  if (!complete) proof.push(rangeSubtrees(start, start + n));
  return proof.reverse();
}
