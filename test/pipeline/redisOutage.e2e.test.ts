import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleRequests } from '../../ops/demo/sampleRequests.js';
import { TestRedis } from '../TestRedis.js';
import { PipelineHarness } from './PipelineHarness.js';

// This suite's own Redis (AOF on, spare port): the outage never touches the stack's or the machine's Redis.
const redis = new TestRedis({ aof: true });
let h: PipelineHarness;

beforeAll(async () => {
  await redis.start();
  h = await PipelineHarness.create({ REDIS_URL: redis.url });
  h.start(['worker']);
  h.start(['sinks']);
  h.start(['log', 'writer']);
});

afterAll(async () => {
  await h.close();
  await redis.destroy();
});

describe('Redis outage (fail closed)', () => {
  it('signs nothing while Redis is down and completes everything, exactly once, when it is back', async () => {
    const prefix = `redis-${Date.now()}`;
    const first = sampleRequests({ count: 200, prefix: `${prefix}-a`, replayRatio: 0, invalidRatio: 0, seed: 3 });
    await h.producer.submitBatch(first);
    await h.waitFor('the first batch', async () => (await h.outcomes(`${prefix}-a`)) === first.length);

    try {
      await redis.stop();
      const second = sampleRequests({ count: 300, prefix: `${prefix}-b`, replayRatio: 0, invalidRatio: 0, seed: 4 });
      await h.producer.submitBatch(second);
      await sleep(6_000);
      // Nothing decided without the replay store: no attestation, no rejection.
      expect(await h.outcomes(`${prefix}-b`)).toBe(0);
      await redis.start();
      await h.waitFor(
        'the second batch after Redis is back',
        async () => (await h.outcomes(`${prefix}-b`)) === second.length,
      );
      const decided = await h.count('SELECT count(*) AS n FROM audit_decisions WHERE execution_id LIKE $1', [
        `${prefix}-b%`,
      ]);
      const rejected = await h.count('SELECT count(*) AS n FROM audit_rejections WHERE execution_id LIKE $1', [
        `${prefix}-b%`,
      ]);
      expect(decided + rejected).toBe(second.length);
      expect(rejected).toBe(0);
    } finally {
      if (!redis.running) await redis.start();
    }
  });
});
