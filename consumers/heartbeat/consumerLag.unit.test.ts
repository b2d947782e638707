import { describe, expect, it } from 'vitest';
import { topicLag } from './consumerLag.js';

const w = (partition: number, low: number | string, high: number | string) => ({
  partition,
  low: String(low),
  high: String(high),
});

describe('topicLag', () => {
  it('sums high watermark minus committed offset over the partitions', () => {
    expect(
      topicLag(
        [
          { partition: 0, offset: '3' },
          { partition: 1, offset: '10' },
        ],
        [w(0, 0, 10), w(1, 0, 10)],
      ),
    ).toBe(7);
  });

  it('counts a partition the group never committed from the log start', () => {
    expect(topicLag([{ partition: 0, offset: '-1' }], [w(0, 4, 10), w(1, 2, 5)])).toBe(6 + 3);
  });

  it('counts from the log start when retention deleted past the committed offset', () => {
    expect(topicLag([{ partition: 0, offset: '2' }], [w(0, 8, 10)])).toBe(2);
  });

  it('never goes negative (a commit can race ahead of a stale watermark) and is 0 on empty topics', () => {
    expect(topicLag([{ partition: 0, offset: '12' }], [w(0, 0, 10)])).toBe(0);
    expect(topicLag([], [w(0, 0, 0)])).toBe(0);
    expect(topicLag([], [])).toBe(0);
  });

  it('handles offsets beyond 2^53 exactly (int64 strings)', () => {
    expect(topicLag([{ partition: 0, offset: '9007199254740993' }], [w(0, 0, '9007199254741000')])).toBe(7);
  });
});
