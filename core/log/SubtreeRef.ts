/**
 * A complete, aligned subtree of the log: the 2^level leaves starting at index << level. Only these are stored, so a
 * stored node never changes once written, whatever the log grows to.
 */
export interface SubtreeRef {
  readonly level: number;
  readonly index: number;
}

/** The leaves [first, end) a subtree covers. */
export function subtreeSpan(ref: SubtreeRef): { first: number; end: number } {
  const width = 2 ** ref.level;
  return { first: ref.index * width, end: (ref.index + 1) * width };
}

/** Stable text key of a subtree, e.g. for maps and SQL parameter lists. */
export function subtreeKey(ref: SubtreeRef): string {
  return `${ref.level}:${ref.index}`;
}
