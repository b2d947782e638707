import { EMPTY_ROOT, nodeHash } from './merkleHashes.js';
import type { SubtreeRef } from './SubtreeRef.js';

/** A stored subtree and its hash. */
export interface SubtreeHash extends SubtreeRef {
  readonly hash: Buffer;
}

/**
 * The right edge of a tree of `size` leaves: one complete subtree per set bit of size, largest first. Appending a
 * leaf merges equal-sized neighbours; every merge is a new complete subtree that never changes again, which is all a
 * writer has to store to serve any proof later. O(log n) memory.
 */
export class CompactRange {
  private readonly frontier: SubtreeHash[];
  private count: number;

  constructor(size = 0, frontier: readonly SubtreeHash[] = []) {
    this.count = size;
    this.frontier = [...frontier];
    const expected = size.toString(2).replace(/0/g, '').length;
    if (size < 0 || frontier.length !== expected) {
      throw new RangeError(`a tree of ${size} leaves has ${expected} edge subtrees, got ${frontier.length}`);
    }
  }

  get size(): number {
    return this.count;
  }

  /** The edge subtrees (largest first). */
  edge(): readonly SubtreeHash[] {
    return this.frontier;
  }

  /** Appends one leaf hash; returns the subtrees it completed, the leaf itself first. */
  append(leaf: Buffer): SubtreeHash[] {
    const made: SubtreeHash[] = [{ level: 0, index: this.count, hash: leaf }];
    let top: SubtreeHash = made[0] as SubtreeHash;
    for (;;) {
      const prev = this.frontier.at(-1);
      if (prev?.level !== top.level) break;
      this.frontier.pop();
      top = { level: top.level + 1, index: prev.index / 2, hash: nodeHash(prev.hash, top.hash) };
      made.push(top);
    }
    this.frontier.push(top);
    this.count += 1;
    return made;
  }

  /** MTH of the whole range: the edge folded from the right. */
  root(): Buffer {
    const last = this.frontier.at(-1);
    if (last === undefined) return EMPTY_ROOT;
    let hash = last.hash;
    for (let i = this.frontier.length - 2; i >= 0; i--) hash = nodeHash((this.frontier[i] as SubtreeHash).hash, hash);
    return hash;
  }
}
