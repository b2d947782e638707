import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../../api/contract.js';
import { RedisReplayStore } from '../../consumers/replay/RedisReplayStore.js';
import { sampleRequests } from '../../ops/demo/sampleRequests.js';
import { ApiProcess } from '../api/ApiProcess.js';
import { refundRequest } from '../fixtures/refundRequest.js';
import { TestRedis } from '../TestRedis.js';
import { PipelineHarness } from './PipelineHarness.js';

// Redis keeps terminal entries for 60 s only (the shortest retention allowed) and may be flushed: the replay
// ledger in Postgres must still refuse every second decision. The suite's own Redis, so flushing harms no one.
const RETENTION_S = 60;
const redis = new TestRedis({ aof: false });
let client: Redis;
let h: PipelineHarness;
let api: ApiProcess;
const run = `forever-${Date.now()}`;
const execute = (executionId: string): ReturnType<ApiProcess['call']> =>
  api.call('POST', '/execute', 'executor', refundRequest(executionId));
const codeOf = (r: { status: number; body: unknown }): [number, string | undefined] => [
  r.status,
  (r.body as Partial<ErrorBody>).error?.code,
];
// Only used for key names (the worker's store, same tag rule).
let keys: RedisReplayStore;

beforeAll(async () => {
  await redis.start();
  client = redis.client();
  keys = new RedisReplayStore(client, { reservationMs: 1, failedMs: 1, terminalRetentionMs: 1, partitions: 12 });
  h = await PipelineHarness.create({ REDIS_URL: redis.url, PARMANA_TERMINAL_RETENTION_SECONDS: String(RETENTION_S) });
  h.start(['worker']);
  h.start(['sinks']);
  h.start(['log', 'writer']);
  api = await ApiProcess.start(h);
});

afterAll(async () => {
  client.disconnect();
  await h.close();
  await redis.destroy();
});

describe('replay protection for the life of the audit trail (Redis hot tier + Postgres ledger)', () => {
  const expired = `${run}-expired`;
  const batch = sampleRequests({ count: 50, prefix: `${run}-batch`, replayRatio: 0, invalidRatio: 0, seed: 23 });

  it(`answers 422 INV-013 for an id replayed after Redis's ${RETENTION_S} s retention ran out`, async () => {
    const first = await execute(expired);
    expect(first.status).toBe(200);
    const decidedAt = Date.now();
    expect(codeOf(await execute(expired))).toEqual([422, 'INV-013']);
    expect(await client.pttl(keys.keyOf(expired))).toBeGreaterThan(0);

    await sleep(Math.max(0, decidedAt + (RETENTION_S + 1) * 1000 - Date.now()));
    // Redis forgot the id by itself (TTL), nothing deleted it.
    expect(await client.exists(keys.keyOf(expired))).toBe(0);
    expect(codeOf(await execute(expired))).toEqual([422, 'INV-013']);
  }, 120_000);

  it('answers INV-013 for old ids after Redis lost everything, 20 concurrent duplicates included', async () => {
    await h.producer.submitBatch(batch);
    await h.waitFor('the batch decided', async () => (await h.outcomes(`${run}-batch`)) === batch.length);
    expect(await client.dbsize()).toBeGreaterThan(0);
    await client.flushall();

    const old = batch[0]?.executionId ?? '';
    const answers = await Promise.all(Array.from({ length: 20 }, () => execute(old)));
    expect(answers.map(codeOf)).toEqual(Array.from({ length: 20 }, () => [422, 'INV-013']));
    // Every other id of the batch again, through Kafka this time: all rejected as replays.
    await h.producer.submitBatch(batch.slice(1));
    await h.waitFor(
      'the replays rejected',
      async () =>
        (await h.count(`SELECT count(*) AS n FROM audit_rejections WHERE execution_id LIKE $1 AND code = 'INV-013'`, [
          `${run}-batch%`,
        ])) ===
        20 + batch.length - 1,
    );
  });

  it('kept exactly one attestation per id on the read_committed topic, and raised no conflicting_outcome', async () => {
    const attestations = await h.readTopic(h.topics.attestations, batch.length + 1);
    const perId = new Map<string, number>();
    for (const r of attestations) perId.set(r.key ?? '', (perId.get(r.key ?? '') ?? 0) + 1);
    expect(perId.get(expired)).toBe(1);
    for (const r of batch) expect(perId.get(r.executionId)).toBe(1);
    expect(attestations).toHaveLength(batch.length + 1);
    expect(
      await h.count(
        `SELECT count(*) AS n FROM audit_security_events WHERE event_type = 'conflicting_outcome' AND execution_id LIKE $1`,
        [`${run}%`],
      ),
    ).toBe(0);
    // The replays were seen by the ledger tier (the Redis tier had forgotten them) and reported as such.
    expect(
      await h.count(
        `SELECT count(*) AS n FROM audit_security_events WHERE event_type = 'replay_attempt' AND execution_id LIKE $1
         AND detail::jsonb ->> 'tier' = 'ledger'`,
        [`${run}%`],
      ),
    ).toBeGreaterThanOrEqual(batch.length);
  });
});
