import { expect } from 'vitest';
import type { PipelineHarness } from './PipelineHarness.js';

/** Submits requests through the harness's producer SDK in batches. */
export async function submitAll(p: PipelineHarness, requests: readonly object[], batch = 500): Promise<void> {
  for (let i = 0; i < requests.length; i += batch) await p.producer.submitBatch(requests.slice(i, i + batch));
}

/**
 * Every request (replays included) has exactly one outcome in the audit tables and on the outcome topics as a
 * read_committed reader sees them: nothing lost, nothing decided twice.
 */
export async function expectExactlyOnce(
  p: PipelineHarness,
  prefix: string,
  requests: readonly { executionId: string }[],
  timeoutMs = 180_000,
): Promise<void> {
  const ids = new Set(requests.map((r) => r.executionId));
  const rows = (): Promise<number> =>
    p.count(
      `SELECT (SELECT count(*) FROM audit_decisions WHERE execution_id LIKE $1)
            + (SELECT count(*) FROM audit_rejections WHERE execution_id LIKE $1) AS n`,
      [`${prefix}%`],
    );
  await p.waitFor(`${requests.length} outcome rows`, async () => (await rows()) >= requests.length, timeoutMs);
  expect(await rows()).toBe(requests.length);
  expect(await p.outcomes(prefix)).toBe(ids.size);
  // Everything on this harness's topics: its fresh database's tables say how much there is to read.
  const decidedAll = await p.count('SELECT count(*) AS n FROM audit_decisions');
  const rejectedAll = await p.count('SELECT count(*) AS n FROM audit_rejections');
  const decided = await p.readTopic(p.topics.attestations, decidedAll, 120_000);
  const rejected = await p.readTopic(p.topics.rejections, rejectedAll, 60_000);
  const keys = [...decided, ...rejected].map((m) => m.key ?? '').filter((k) => k.startsWith(prefix));
  expect(keys.length).toBe(requests.length);
  expect(new Set(keys)).toEqual(ids);
}
