import { mkdirSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { AssignerProtocol } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import type { KafkaRecord, TailReader } from '../../kafka/KafkaClient.js';
import { sampleRequests } from '../../ops/demo/sampleRequests.js';
import { PipelineHarness } from '../pipeline/PipelineHarness.js';
import { testKafkaClient } from '../testKafka.js';
import { expectExactlyOnce } from '../pipeline/exactlyOnce.js';

let h: PipelineHarness | undefined;
let reader: TailReader | undefined;

afterEach(async () => {
  await reader?.stop();
  reader = undefined;
  await h?.close();
  h = undefined;
});

/** Outcomes as they become visible to read_committed readers: partition, worker produce time, arrival time. */
async function watchOutcomes(
  p: PipelineHarness,
): Promise<{ seen: { partition: number; producedAt: number; at: number; key: string }[] }> {
  const kafka = await testKafkaClient();
  const seen: { partition: number; producedAt: number; at: number; key: string }[] = [];
  reader = kafka.tail({
    clientId: 'failover-watch',
    topics: [p.topics.attestations, p.topics.rejections],
    from: 'latest',
  });
  await reader.start((records: readonly KafkaRecord[]) => {
    const at = Date.now();
    for (const r of records) {
      seen.push({ partition: r.partition, producedAt: Number(r.timestamp), at, key: r.key?.toString() ?? '' });
    }
  });
  return { seen };
}

/** Requests submitted at a steady rate until stopped; resolves with everything sent. */
function steadyLoad(
  p: PipelineHarness,
  prefix: string,
  perSecond: number,
): { stop: () => Promise<{ executionId: string }[]> } {
  const state = { running: true };
  const sent: { executionId: string }[] = [];
  const done = (async () => {
    for (let i = 0; state.running; i++) {
      const batch = sampleRequests({
        count: perSecond / 10,
        prefix: `${prefix}-${i}`,
        replayRatio: 0,
        invalidRatio: 0.02,
        seed: i,
      });
      await p.producer.submitBatch(batch);
      sent.push(...batch);
      await sleep(100);
    }
  })();
  return {
    stop: async () => {
      state.running = false;
      await done;
      return sent;
    },
  };
}

/** Requests partitions each member of the worker group owns, by the instance id it joined with. */
async function assignment(p: PipelineHarness): Promise<Map<string, number[]>> {
  const group = `${p.env.PARMANA_CLIENT_ID ?? ''}-worker`;
  const d = await p.admin((a) => a.describeGroups([group]));
  const out = new Map<string, number[]>();
  for (const m of d.groups[0]?.members ?? []) {
    const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
    out.set(m.clientId, decoded?.assignment[p.topics.requests] ?? []);
  }
  return out;
}

function report(name: string, figures: object): void {
  mkdirSync('test-output', { recursive: true });
  writeFileSync(`test-output/${name}.json`, `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`${name}: ${JSON.stringify(figures)}`);
}

describe('worker failover (real processes, kill -9)', () => {
  it("two workers: the killed one's partitions decide again, nothing lost or duplicated", async () => {
    const p = await PipelineHarness.create();
    h = p;
    p.start(['sinks']);
    p.start(['log', 'writer']);
    const a = p.start(['worker'], { PARMANA_INSTANCE_ID: 'worker-a' });
    const b = p.start(['worker'], { PARMANA_INSTANCE_ID: 'worker-b' });
    await p.waitFor('both workers in the group with partitions', async () => {
      const owned = await assignment(p).catch(() => new Map<string, number[]>());
      return owned.size === 2 && [...owned.values()].every((parts) => parts.length > 0);
    });
    const owned = await assignment(p);
    const bParts = [...owned.entries()].find(([clientId]) => clientId.endsWith('worker-b'))?.[1] ?? [];
    expect(bParts.length).toBeGreaterThan(0);
    const { seen } = await watchOutcomes(p);
    const prefix = `fo-${Date.now()}`;
    const load = steadyLoad(p, prefix, 100);
    await sleep(6_000);
    const killedAt = Date.now();
    await p.stop(b, 'SIGKILL');
    await sleep(15_000);
    const requests = await load.stop();
    await expectExactlyOnce(p, prefix, requests);
    const first = seen
      .filter((s) => s.producedAt > killedAt && bParts.includes(s.partition))
      .sort((x, y) => x.at - y.at)[0];
    expect(first).toBeDefined();
    const stallMs = (first?.at ?? killedAt) - killedAt;
    report('failover-two-workers', {
      requests: requests.length,
      killedPartitions: bParts.length,
      stallMs,
      sessionTimeoutMs: 3_000,
      transactionTimeoutMs: 3_000,
    });
    expect(a.exitCode).toBeNull();
  });

  it('a lone worker restarted after kill -9 takes its partitions back and decides again', async () => {
    const p = await PipelineHarness.create();
    h = p;
    p.start(['sinks']);
    p.start(['log', 'writer']);
    const first = p.start(['worker'], { PARMANA_INSTANCE_ID: 'solo' });
    await p.waitFor('the worker in the group', async () => (await assignment(p).catch(() => new Map())).size === 1);
    const { seen } = await watchOutcomes(p);
    const prefix = `solo-${Date.now()}`;
    const load = steadyLoad(p, prefix, 100);
    await sleep(5_000);
    await p.stop(first, 'SIGKILL');
    const restartedAt = Date.now();
    p.start(['worker'], { PARMANA_INSTANCE_ID: 'solo' });
    await p.waitFor(
      'a new outcome after the restart',
      () => Promise.resolve(seen.some((s) => s.producedAt > restartedAt)),
      60_000,
    );
    const firstNew = seen.filter((s) => s.producedAt > restartedAt).sort((x, y) => x.at - y.at)[0];
    await sleep(5_000);
    const requests = await load.stop();
    await expectExactlyOnce(p, prefix, requests);
    report('failover-lone-restart', {
      requests: requests.length,
      restartToFirstOutcomeMs: (firstNew?.at ?? restartedAt) - restartedAt,
    });
  });
});
