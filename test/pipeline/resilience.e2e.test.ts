import { afterEach, describe, expect, it } from 'vitest';
import { sampleRequests } from '../../ops/demo/sampleRequests.js';
import { PipelineHarness } from './PipelineHarness.js';

let h: PipelineHarness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function submitAll(p: PipelineHarness, requests: readonly object[]): Promise<void> {
  for (let i = 0; i < requests.length; i += 500) await p.producer.submitBatch(requests.slice(i, i + 500));
}

/** Every request (replays included) has exactly one outcome on the outcome topics (read_committed) and in the audit tables. */
async function expectExactlyOnce(
  p: PipelineHarness,
  prefix: string,
  requests: readonly { executionId: string }[],
): Promise<void> {
  const ids = new Set(requests.map((r) => r.executionId));
  const like = [`${prefix}%`];
  const rows = async (): Promise<{ decided: number; rejected: number }> => ({
    decided: await p.count('SELECT count(*) AS n FROM audit_decisions WHERE execution_id LIKE $1', like),
    rejected: await p.count('SELECT count(*) AS n FROM audit_rejections WHERE execution_id LIKE $1', like),
  });
  await p.waitFor(
    `${requests.length} outcome rows`,
    async () => {
      const r = await rows();
      return r.decided + r.rejected >= requests.length;
    },
    180_000,
  );
  const { decided, rejected } = await rows();
  expect(decided + rejected).toBe(requests.length);
  expect(await p.outcomes(prefix)).toBe(ids.size);
  const attestations = await p.readTopic(p.topics.attestations, decided, 60_000);
  const rejections = await p.readTopic(p.topics.rejections, rejected, 60_000);
  const keys = [...attestations, ...rejections].map((m) => m.key ?? '');
  expect(keys.length).toBe(requests.length);
  expect(new Set(keys)).toEqual(ids);
}

describe('resilience (real processes)', () => {
  it('two workers in one group split the partitions and decide each request exactly once', async () => {
    const pipeline = await PipelineHarness.create();
    h = pipeline;
    const prefix = `two-${Date.now()}`;
    const requests = sampleRequests({ count: 1500, prefix, replayRatio: 0, invalidRatio: 0.02, seed: 7 });
    h.start(['worker']);
    h.start(['worker']);
    h.start(['sinks']);
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
    const first = h.start(['worker']);
    await h.waitFor('some outcomes before the kill', async () => (await pipeline.outcomes(prefix)) >= 300, 120_000);
    await h.stop(first, 'SIGKILL');
    const before = await h.outcomes(prefix);
    expect(before).toBeLessThan(new Set(requests.map((r) => r.executionId)).size);
    h.start(['worker']);
    await expectExactlyOnce(h, prefix, requests);
  });
});
