import { ParmanaError } from '../errors/ParmanaError.js';
import type { ProofPlan } from './ProofPlan.js';
import { rangeSubtrees, splitPoint } from './rangeSubtrees.js';
import type { SubtreeRef } from './SubtreeRef.js';

/**
 * RFC 9162 §2.1.3.1 PATH(m, D[n]) as stored subtrees, leaf side first. At most ⌈log2 n⌉ elements; only the first
 * right sibling met may be an incomplete subtree (every subtree below it is complete), so the whole proof reads
 * O(log n) stored nodes.
 */
export function inclusionProofPlan(index: number, size: number): ProofPlan {
  if (!Number.isSafeInteger(size) || size < 1) throw new ParmanaError('LOG-007', { detail: `tree size ${size}` });
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new ParmanaError('LOG-007', { detail: `index ${index} is not below tree size ${size}` });
  }
  const path: SubtreeRef[][] = [];
  let start = 0;
  let n = size;
  let m = index;
  while (n > 1) {
    const k = splitPoint(n);
    if (m < k) {
      path.push(rangeSubtrees(start + k, start + n));
      n = k;
    } else {
      path.push(rangeSubtrees(start, start + k));
      start += k;
      m -= k;
      n -= k;
    }
  }
  return path.reverse();
}
