import { describe, expect, it } from 'vitest';
import { chunks } from './runWorker.js';

const msg = (bytes: number): { value: Buffer } => ({ value: Buffer.alloc(bytes) });

describe('chunks', () => {
  it('caps chunks by count', () => {
    expect(
      chunks(
        Array.from({ length: 1200 }, () => msg(10)),
        500,
        10_000_000,
      ).map((c) => c.length),
    ).toEqual([500, 500, 200]);
  });

  it('caps chunks by estimated outcome bytes so a transaction never exceeds the broker batch limit', () => {
    const sizes = chunks(
      Array.from({ length: 100 }, () => msg(60_000)),
      500,
      400_000,
    ).map((c) => c.length);
    expect(sizes.every((n) => n <= 3)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('always makes progress, even with one record above the budget', () => {
    expect(chunks([msg(1_000_000), msg(1)], 500, 400_000).map((c) => c.length)).toEqual([1, 1]);
    expect(chunks([], 500, 400_000)).toEqual([]);
  });
});
