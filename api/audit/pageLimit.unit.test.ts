import { describe, expect, it } from 'vitest';
import { pageLimit } from './pageLimit.js';

describe('pageLimit', () => {
  it('defaults to 50 and clamps to 1..1000', () => {
    expect(pageLimit(undefined)).toBe(50);
    expect(pageLimit(Number.NaN)).toBe(50);
    expect(pageLimit(0)).toBe(1);
    expect(pageLimit(-5)).toBe(1);
    expect(pageLimit(10.9)).toBe(10);
    expect(pageLimit(1000)).toBe(1000);
    expect(pageLimit(1001)).toBe(1000);
    expect(pageLimit(Number.POSITIVE_INFINITY)).toBe(1000);
  });
});
