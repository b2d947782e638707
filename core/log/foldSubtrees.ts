import { nodeHash } from './merkleHashes.js';
import type { ProofPlan } from './ProofPlan.js';
import { subtreeKey, type SubtreeRef } from './SubtreeRef.js';

/** Looks a stored subtree hash up; throws when the store lacks it (a gap is a broken log, never an empty hash). */
export type SubtreeLookup = (ref: SubtreeRef) => Buffer;

/** The hash of consecutive subtrees, folded from the right as RFC 9162's split puts the larger part left. */
export function foldSubtrees(refs: readonly SubtreeRef[], lookup: SubtreeLookup): Buffer {
  const last = refs.at(-1);
  if (last === undefined) throw new RangeError('no subtrees to fold');
  let hash = lookup(last);
  for (let i = refs.length - 2; i >= 0; i--) hash = nodeHash(lookup(refs[i] as SubtreeRef), hash);
  return hash;
}

/** A proof's hashes from its plan. */
export function resolvePlan(plan: ProofPlan, lookup: SubtreeLookup): Buffer[] {
  return plan.map((element) => foldSubtrees(element, lookup));
}

/** A lookup over fetched rows, keyed by subtreeKey. */
export function mapLookup(hashes: ReadonlyMap<string, Buffer>): SubtreeLookup {
  return (ref) => {
    const hash = hashes.get(subtreeKey(ref));
    if (hash === undefined) throw new RangeError(`subtree ${subtreeKey(ref)} is not stored`);
    return hash;
  };
}
