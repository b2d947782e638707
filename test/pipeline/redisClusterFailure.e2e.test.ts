import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleRequests } from '../../ops/demo/sampleRequests.js';
import { TestRedisCluster } from '../TestRedisCluster.js';
import { expectExactlyOnce, submitAll } from './exactlyOnce.js';
import { PipelineHarness } from './PipelineHarness.js';

// This suite's own three-primary Redis Cluster (AOF everysec, no replicas): the worker reaches it through
// REDIS_CLUSTER_NODES, and the test kills one primary with -9 while requests flow.
let cluster: TestRedisCluster;
let h: PipelineHarness;

beforeAll(async () => {
  cluster = await TestRedisCluster.start();
  h = await PipelineHarness.create({ REDIS_CLUSTER_NODES: cluster.seeds.join(',') });
});

afterAll(async () => {
  await h.close();
  await cluster.destroy();
});

/** Resolves when the child's output contains `text` (the worker logs its pause and resume at info). */
function outputContains(child: ReturnType<PipelineHarness['start']>, text: string): () => Promise<boolean> {
  let seen = false;
  const watch = (d: Buffer): void => {
    if (d.toString().includes(text)) seen = true;
  };
  child.stdout?.on('data', watch);
  child.stderr?.on('data', watch);
  return () => Promise.resolve(seen);
}

describe('Redis Cluster primary failure (real processes)', () => {
  it('a primary killed with -9 mid-flow: the worker fails closed, resumes when it is back, exactly once', async () => {
    const prefix = `rc-${Date.now()}`;
    const requests = sampleRequests({ count: 8000, prefix, replayRatio: 0.02, invalidRatio: 0.02, seed: 23 });
    const first = requests.slice(0, 5000);
    const second = requests.slice(5000);
    h.start(['sinks']);
    h.start(['log', 'writer']);
    const worker = h.start(['worker'], { LOG_LEVEL: 'info' });
    const paused = outputContains(worker, 'worker paused (fail closed)');
    const resumed = outputContains(worker, 'worker resumed');
    await submitAll(h, first);
    await h.waitFor('some outcomes before the kill', async () => (await h.outcomes(prefix)) >= 300);

    // The primary that serves partition 0's entries: certainly on the worker's path.
    const victim = await cluster.nodeOf('parmana:replay:{0}:x');
    await cluster.kill(victim);
    // Requests keep arriving while it is down; the worker must stop deciding rather than decide without it.
    await submitAll(h, second);
    await h.waitFor('the worker to pause (fail closed)', paused, 60_000);
    // Down past the node timeout: the other primaries mark it failed and refuse every slot, then it comes back.
    await cluster.waitForClusterDown(victim);
    expect(await h.outcomes(prefix)).toBeLessThan(new Set(requests.map((r) => r.executionId)).size);

    await cluster.restart(victim);
    await h.waitFor('the worker to resume', resumed, 60_000);
    await expectExactlyOnce(h, prefix, requests);
    await h.stop(worker);
  });

  it('a worker killed with -9 mid-flow on the cluster: its successor loses and duplicates nothing', async () => {
    const prefix = `rck-${Date.now()}`;
    const requests = sampleRequests({ count: 6000, prefix, replayRatio: 0.02, invalidRatio: 0.02, seed: 29 });
    await submitAll(h, requests);
    const first = h.start(['worker']);
    await h.waitFor('some outcomes before the kill', async () => (await h.outcomes(prefix)) >= 300);
    await h.stop(first, 'SIGKILL');
    expect(await h.outcomes(prefix)).toBeLessThan(new Set(requests.map((r) => r.executionId)).size);
    h.start(['worker']);
    await expectExactlyOnce(h, prefix, requests);
  });
});
