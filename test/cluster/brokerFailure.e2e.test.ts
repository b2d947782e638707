import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigResourceTypes } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleRequests } from '../../ops/demo/sampleRequests.js';
import { PipelineHarness } from '../pipeline/PipelineHarness.js';
import { TestCluster } from './TestCluster.js';
import { expectExactlyOnce, submitAll } from '../pipeline/exactlyOnce.js';

// The pipeline on a three-broker cluster: topics replicated three times, two in sync required, acks=all.
const cluster = new TestCluster();
let h: PipelineHarness;

/** The broker that leads the most partitions of a topic. */
async function busiestLeader(p: PipelineHarness, topic: string): Promise<{ id: number; partitions: number }> {
  const meta = await p.admin((a) => a.fetchTopicMetadata({ topics: [topic] }));
  const counts = new Map<number, number>();
  for (const part of meta.topics[0]?.partitions ?? []) counts.set(part.leader, (counts.get(part.leader) ?? 0) + 1);
  const [id, partitions] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [0, 0];
  return { id, partitions };
}

beforeAll(async () => {
  await cluster.up();
  h = await PipelineHarness.create({ KAFKA_BROKERS: cluster.brokers.join(',') });
  h.start(['worker']);
  h.start(['sinks']);
  h.start(['log', 'writer']);
}, 300_000);

afterAll(async () => {
  await cluster.up(); // whatever a test left down
  await h.close();
  await cluster.down();
}, 300_000);

describe('three-broker cluster (kill -9 of a broker)', () => {
  it('topics are replicated three times with two in sync required', async () => {
    const configs = await h.admin((a) =>
      a.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: h.topics.requests, configNames: ['min.insync.replicas'] }],
      }),
    );
    expect(configs.resources[0]?.configEntries[0]?.configValue).toBe('2');
    const meta = await h.admin((a) => a.fetchTopicMetadata({ topics: [h.topics.requests, h.topics.attestations] }));
    for (const t of meta.topics) for (const part of t.partitions) expect(part.replicas).toHaveLength(3);
  });

  it('20,000 requests: the busiest leader killed mid-flow and restarted, every request decided exactly once', async () => {
    const prefix = `bk-${Date.now()}`;
    const requests = sampleRequests({ count: 20_000, prefix, replayRatio: 0.01, invalidRatio: 0.02, seed: 31 });
    const sending = submitAll(h, requests, 1000);
    await h.waitFor('some outcomes before the kill', async () => (await h.outcomes(prefix)) >= 2_000, 180_000);
    const leader = await busiestLeader(h, h.topics.requests);
    expect(leader.partitions).toBeGreaterThan(0);
    cluster.kill(leader.id);
    await sleep(10_000);
    await cluster.up();
    await sending;
    await expectExactlyOnce(h, prefix, requests, 300_000);
  });

  it('keeps deciding with one broker down', async () => {
    const prefix = `one-down-${Date.now()}`;
    const requests = sampleRequests({ count: 2_000, prefix, replayRatio: 0, invalidRatio: 0.02, seed: 32 });
    const victim = (await busiestLeader(h, h.topics.attestations)).id;
    cluster.kill(victim);
    await sleep(5_000);
    await submitAll(h, requests);
    await expectExactlyOnce(h, prefix, requests, 300_000);
    await cluster.up();
  });
});
