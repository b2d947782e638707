import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleRequests } from '../../ops/demo/sampleRequests.js';
import { PipelineHarness } from './PipelineHarness.js';

// This suite's own Redis (AOF on, spare port): the outage never touches the stack's or the machine's Redis.
const port = 16_400 + Math.floor(Math.random() * 500);
const dir = mkdtempSync(join(tmpdir(), 'redis-outage-'));
let redis: ChildProcess | undefined;
let h: PipelineHarness;

async function startRedis(): Promise<void> {
  redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''],
    {
      stdio: 'ignore',
    },
  );
  for (let i = 0; i < 50; i++) {
    const probe = new Redis({ port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => undefined);
    const ok = await probe
      .connect()
      .then(() => probe.ping())
      .then(() => true)
      .catch(() => false);
    probe.disconnect();
    if (ok) return;
    await sleep(100);
  }
  throw new Error('test redis did not start');
}

async function stopRedis(): Promise<void> {
  const r = redis;
  if (r === undefined || r.exitCode !== null) return;
  const exited = new Promise((resolve) => r.once('exit', resolve));
  r.kill('SIGTERM');
  await exited;
}

beforeAll(async () => {
  await startRedis();
  h = await PipelineHarness.create({ REDIS_URL: `redis://127.0.0.1:${port}` });
  h.start(['worker']);
  h.start(['sinks']);
});

afterAll(async () => {
  await h.close();
  await stopRedis();
});

describe('Redis outage (fail closed)', () => {
  it('signs nothing while Redis is down and completes everything, exactly once, when it is back', async () => {
    const prefix = `redis-${Date.now()}`;
    const first = sampleRequests({ count: 200, prefix: `${prefix}-a`, replayRatio: 0, invalidRatio: 0, seed: 3 });
    await h.producer.submitBatch(first);
    await h.waitFor('the first batch', async () => (await h.outcomes(`${prefix}-a`)) === first.length);

    try {
      await stopRedis();
      const second = sampleRequests({ count: 300, prefix: `${prefix}-b`, replayRatio: 0, invalidRatio: 0, seed: 4 });
      await h.producer.submitBatch(second);
      await sleep(6_000);
      // Nothing decided without the replay store: no attestation, no rejection.
      expect(await h.outcomes(`${prefix}-b`)).toBe(0);
      await startRedis();
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
      if (redis?.exitCode !== null) await startRedis();
    }
  });
});
