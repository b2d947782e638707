import type { SubtreeRef } from './SubtreeRef.js';

/**
 * Which stored subtrees make up a proof: one element per proof hash, each the right fold of its subtrees (one
 * subtree for every element but at most one, the right edge of a tree whose size is not a power of two).
 */
export type ProofPlan = readonly (readonly SubtreeRef[])[];

/** Every distinct subtree a plan reads: what a store fetches in one query. */
export function planSubtrees(plan: ProofPlan): SubtreeRef[] {
  const seen = new Map<string, SubtreeRef>();
  for (const element of plan) for (const ref of element) seen.set(`${ref.level}:${ref.index}`, ref);
  return [...seen.values()];
}
