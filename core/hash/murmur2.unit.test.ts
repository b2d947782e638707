import { describe, expect, it } from 'vitest';
import { murmur2, partitionOfKey } from './murmur2.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('murmur2 (Kafka default partitioner)', () => {
  // Vectors of Apache Kafka's own test of Utils.murmur2 (all four tail lengths are covered).
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('hashes %s to %i', (key, hash) => {
    expect(murmur2(bytes(key))).toBe(hash);
  });

  it('hashes the empty key and multi-byte UTF-8 keys', () => {
    expect(murmur2(new Uint8Array(0))).toBe(275646681);
    expect(murmur2(bytes('é'))).toBe(murmur2(Uint8Array.of(0xc3, 0xa9)));
  });

  it('picks a partition the way Kafka does: positive hash modulo the count', () => {
    expect(partitionOfKey('foobar', 12)).toBe((-790332482 & 0x7fffffff) % 12);
    expect(partitionOfKey('abc', 12)).toBe(479470107 % 12);
    for (let i = 0; i < 200; i++) {
      const p = partitionOfKey(`exec-${i}`, 7);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(7);
    }
  });
});
