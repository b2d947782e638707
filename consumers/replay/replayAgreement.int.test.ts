import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryReplayStore } from '../../core/replay/MemoryReplayStore.js';
import { replayRedisTargets, type OpenReplayRedis } from '../../test/replayRedisTargets.js';
import { RedisReplayStore } from './RedisReplayStore.js';

const ttls = { reservationMs: 300_000, failedMs: 30_000, terminalRetentionMs: 3_600_000, partitions: 12 };

type Step =
  | { kind: 'reserve'; source: string; fp: string }
  | { kind: 'complete'; source: string; pending: boolean }
  | { kind: 'fail'; source: string }
  | { kind: 'override'; commandId: string; approved: boolean };

const source = fc.constantFrom('t:0:1', 't:0:2', 't:1:7');
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('reserve' as const), source, fp: fc.constantFrom('fp1', 'fp2') }),
  fc.record({ kind: fc.constant('complete' as const), source, pending: fc.boolean() }),
  fc.record({ kind: fc.constant('fail' as const), source }),
  fc.record({ kind: fc.constant('override' as const), commandId: fc.constantFrom('c1', 'c2'), approved: fc.boolean() }),
);

// The Lua scripts and the pure transition function (via MemoryReplayStore) must agree on every sequence.
async function runBoth(open: OpenReplayRedis, lua: RedisReplayStore, steps: readonly Step[]): Promise<void> {
  const id = `agree-${randomUUID()}`;
  const memory = new MemoryReplayStore(ttls, () => 0);
  for (const s of steps) {
    let fromLua: string;
    let fromMemory: string;
    if (s.kind === 'reserve') {
      const [r] = await lua.reserveBatch([{ executionId: id, fingerprint: s.fp, source: s.source }]);
      fromLua = r?.result ?? 'none';
      fromMemory = (await memory.reserve(id, s.fp, s.source)).result;
    } else if (s.kind === 'complete') {
      const finalState = s.pending ? 'PENDING_OVERRIDE' : 'CONFIRMED';
      fromLua = await lua.completeBatch([{ executionId: id, source: s.source, finalState, data: 'd' }]).then(
        () => 'ok',
        () => 'refused',
      );
      fromMemory = await memory.apply(id, { type: 'complete', source: s.source, finalState, data: 'd' }).then(
        () => 'ok',
        () => 'refused',
      );
    } else if (s.kind === 'fail') {
      await lua.failBatch([{ executionId: id, source: s.source }]);
      await memory.apply(id, { type: 'fail', source: s.source }).catch(() => undefined);
      fromLua = fromMemory = 'done';
    } else {
      fromLua = (await lua.resolveOverride(id, s.commandId, s.approved)).result;
      fromMemory = (await memory.resolveOverride(id, s.commandId, s.approved)).result;
    }
    expect({ step: s, result: fromLua }).toEqual({ step: s, result: fromMemory });
    expect((await open.inspect.hget(lua.keyOf(id), 's')) ?? undefined).toBe(memory.state(id));
  }
}

describe.each(replayRedisTargets)('Redis Lua scripts on $name agree with the pure replay rules', (target) => {
  let open: OpenReplayRedis;
  let lua: RedisReplayStore;

  beforeAll(async () => {
    open = await target.open();
    lua = new RedisReplayStore(open.redis, ttls);
  });

  afterAll(async () => {
    await open.close();
  });

  it('on random event sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => runBoth(open, lua, steps)),
      { numRuns: 150 },
    );
  });
});
