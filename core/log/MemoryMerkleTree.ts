import { CompactRange } from './CompactRange.js';
import { consistencyProofPlan } from './consistencyProofPlan.js';
import { foldSubtrees, mapLookup, resolvePlan } from './foldSubtrees.js';
import { inclusionProofPlan } from './inclusionProofPlan.js';
import { EMPTY_ROOT } from './merkleHashes.js';
import { rangeSubtrees } from './rangeSubtrees.js';
import { subtreeKey, type SubtreeRef } from './SubtreeRef.js';
import { ParmanaError } from '../errors/ParmanaError.js';

/**
 * The log's tree held in memory: the same stored-subtree layout and proof plans as the Postgres store, for tests,
 * route fakes and the monitor's own recomputation.
 */
export class MemoryMerkleTree {
  private readonly range = new CompactRange();
  private readonly nodes = new Map<string, Buffer>();

  get size(): number {
    return this.range.size;
  }

  append(leaf: Buffer): number {
    const index = this.range.size;
    for (const n of this.range.append(leaf)) this.nodes.set(subtreeKey(n), n.hash);
    return index;
  }

  root(size = this.size): Buffer {
    this.checkSize(size);
    return size === 0 ? EMPTY_ROOT : foldSubtrees(rangeSubtrees(0, size), mapLookup(this.nodes));
  }

  leaf(index: number): Buffer {
    return mapLookup(this.nodes)({ level: 0, index });
  }

  /** A stored complete subtree, if the tree has it. */
  subtree(ref: SubtreeRef): Buffer | undefined {
    return this.nodes.get(subtreeKey(ref));
  }

  inclusionProof(index: number, size = this.size): Buffer[] {
    this.checkSize(size);
    return resolvePlan(inclusionProofPlan(index, size), mapLookup(this.nodes));
  }

  consistencyProof(from: number, to = this.size): Buffer[] {
    this.checkSize(to);
    return resolvePlan(consistencyProofPlan(from, to), mapLookup(this.nodes));
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) {
      throw new ParmanaError('LOG-009', { detail: `tree size ${size} beyond the log's ${this.size}` });
    }
  }
}
