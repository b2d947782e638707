import { afterEach, describe, expect, it } from 'vitest';
import { sampleRequests } from '../../ops/demo/sampleRequests.js';
import { PipelineHarness } from './PipelineHarness.js';
import { expectExactlyOnce, submitAll } from './exactlyOnce.js';

let h: PipelineHarness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('resilience (real processes)', () => {
  it('two workers in one group split the partitions and decide each request exactly once', async () => {
    const pipeline = await PipelineHarness.create();
    h = pipeline;
    const prefix = `two-${Date.now()}`;
    const requests = sampleRequests({ count: 1500, prefix, replayRatio: 0, invalidRatio: 0.02, seed: 7 });
    h.start(['worker']);
    h.start(['worker']);
    h.start(['sinks']);
    h.start(['log', 'writer']);
    const group = `${h.env.PARMANA_CLIENT_ID ?? ''}-worker`;
    await h.waitFor('both workers to join', async () => {
      const d = await pipeline.admin((a) => a.describeGroups([group]));
      const members = d.groups[0]?.members ?? [];
      return d.groups[0]?.state === 'Stable' && members.length === 2;
    });
    await submitAll(h, requests);
    await expectExactlyOnce(h, prefix, requests);
    const d = await h.admin((a) => a.describeGroups([group]));
    expect(d.groups[0]?.members).toHaveLength(2);
    for (const m of d.groups[0]?.members ?? []) expect(m.memberAssignment.length).toBeGreaterThan(0);
  });

  it('a worker SIGKILLed in the middle of thousands of requests loses and duplicates nothing after restart', async () => {
    const pipeline = await PipelineHarness.create();
    h = pipeline;
    const prefix = `kill-${Date.now()}`;
    const requests = sampleRequests({ count: 6000, prefix, replayRatio: 0.02, invalidRatio: 0.02, seed: 11 });
    await submitAll(h, requests);
    h.start(['sinks']);
    h.start(['log', 'writer']);
    const first = h.start(['worker']);
    await h.waitFor('some outcomes before the kill', async () => (await pipeline.outcomes(prefix)) >= 300, 120_000);
    await h.stop(first, 'SIGKILL');
    const before = await h.outcomes(prefix);
    expect(before).toBeLessThan(new Set(requests.map((r) => r.executionId)).size);
    h.start(['worker']);
    await expectExactlyOnce(h, prefix, requests);
  });
});
