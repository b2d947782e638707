import { describe, expect, it } from 'vitest';
import { histogramQuantile, StageTimings, stageBucketBounds } from './StageTimings.js';

describe('StageTimings', () => {
  it('summarises weighted samples into percentiles within one bucket (15%) of the exact value', () => {
    const t = new StageTimings();
    for (let i = 1; i <= 1000; i++) t.record('redis', i / 10);
    t.record('sign', 2, 99);
    t.record('sign', 50, 1);
    const s = t.flush();
    const redis = s.redis;
    expect(redis?.count).toBe(1000);
    expect(redis?.p50).toBeGreaterThanOrEqual(50);
    expect(redis?.p50).toBeLessThanOrEqual(50 * 1.15);
    expect(redis?.p99).toBeGreaterThanOrEqual(99);
    expect(redis?.p99).toBeLessThanOrEqual(99 * 1.15);
    expect(redis?.max).toBe(100);
    // 99 of 100 requests took 2 ms: the weight counts, the one slow sample does not drag p50.
    expect(s.sign?.count).toBe(100);
    expect(s.sign?.p50).toBeLessThanOrEqual(2 * 1.15);
    expect(s.sign?.p99).toBeLessThanOrEqual(2 * 1.15);
  });

  it('starts a new interval after flush, and histograms of intervals merge by addition', () => {
    const t = new StageTimings();
    t.record('x', 1);
    const a = t.flush().x?.buckets ?? [];
    expect(t.flush()).toEqual({});
    t.record('x', 100);
    const b = t.flush().x?.buckets ?? [];
    const merged = a.map((n, i) => n + (b[i] ?? 0));
    expect(histogramQuantile(merged, 0.25)).toBeLessThan(1.2);
    expect(histogramQuantile(merged, 0.75)).toBeGreaterThanOrEqual(100);
    expect(stageBucketBounds.at(-1)).toBeGreaterThanOrEqual(600_000);
  });
});
