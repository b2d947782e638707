import type { SubtreeRef } from './SubtreeRef.js';

/**
 * The complete subtrees, left to right, whose right fold is RFC 9162's MTH(D[start:end]) for the ranges its
 * recursion produces (start a multiple of a power of two at least end - start): the set bits of end - start, largest
 * first. A range of 2^k leaves is one subtree.
 */
export function rangeSubtrees(start: number, end: number): SubtreeRef[] {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end <= start) {
    throw new RangeError(`invalid leaf range [${start}, ${end})`);
  }
  const out: SubtreeRef[] = [];
  let at = start;
  let left = end - start;
  while (left > 0) {
    const level = Math.floor(Math.log2(left));
    const width = 2 ** level;
    if (at % width !== 0) throw new RangeError(`range [${start}, ${end}) is not aligned`);
    out.push({ level, index: at / width });
    at += width;
    left -= width;
  }
  return out;
}

/** Largest power of two strictly smaller than n (n ≥ 2): RFC 9162's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
