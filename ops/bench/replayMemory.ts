import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster, type Redis } from 'ioredis';
import { executionFingerprint } from '../../core/attestation/executionFingerprint.js';
import { compilePolicy } from '../../core/policy/compilePolicy.js';
import { evaluate } from '../../core/policy/evaluate.js';
import type { CompiledPolicy } from '../../core/policy/Policy.js';
import { validateSignals } from '../../core/signals/validateSignals.js';
import { RedisReplayStore, type CompleteItem, type ReserveItem } from '../../consumers/replay/RedisReplayStore.js';
import type { Config } from '../config/config.js';
import { sampleRequests, SHIPPED_POLICIES } from '../demo/sampleRequests.js';
import type { Credentials } from '../../shared/credentials/Credentials.js';
import { createRedisClient } from '../runtime/createRedisClient.js';
import { waitFor } from '../stack/waitFor.js';
import { fmt } from './stats.js';

export interface ReplayMemoryResult {
  readonly target: string;
  readonly entries: number;
  /** Mean of `MEMORY USAGE <key> SAMPLES 0` over every entry: the key, the hash and Redis's per-key overhead. */
  readonly memoryUsageBytes: number;
  /** Growth of `used_memory` (summed over the primaries) per entry: also the keyspace's dictionary and expiry table. */
  readonly usedMemoryDeltaBytes: number;
  readonly keyBytes: number;
  readonly dataBytes: number;
}

function compiledPolicies(root: string): Map<string, CompiledPolicy> {
  const out = new Map<string, CompiledPolicy>();
  for (const id of SHIPPED_POLICIES) {
    const compiled = compilePolicy(
      JSON.parse(readFileSync(join(root, 'policies', id, '1.0.0', 'policy.json'), 'utf8')),
    ).policy;
    if (compiled === undefined) throw new Error(`${id} does not compile`);
    out.set(id, compiled);
  }
  return out;
}

/** `used_memory` of every primary, summed (the single node, or each master of a Cluster). */
async function usedMemory(redis: Redis | Cluster): Promise<number> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  const infos = await Promise.all(nodes.map((n) => n.info('memory')));
  return infos.reduce((sum, info) => sum + Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? 0), 0);
}

/**
 * Bytes per terminal replay entry: `count` executions go through the real store and scripts (reserve, then
 * CONFIRMED or PENDING_OVERRIDE with the decision data the worker keeps), with UUID executionIds, real fingerprints
 * and decisions of the shipped policies. Measured two ways, then the entries are deleted again.
 */
export async function replayMemory(o: {
  config: Config;
  root: string;
  count: number;
  print: (line: string) => void;
  /** The admin user (MEMORY USAGE, INFO and DEL are outside the worker's ACL); none, no AUTH. */
  credentials?: Credentials;
}): Promise<ReplayMemoryResult> {
  const redis = createRedisClient(o.config, () => undefined, o.credentials);
  const target =
    o.config.redisClusterNodes.length > 0
      ? `Redis Cluster ${o.config.redisClusterNodes.join(',')}`
      : `Redis ${o.config.redisUrl}`;
  try {
    await waitFor('redis', () => Promise.resolve(redis.status === 'ready'), { timeoutMs: 15_000, intervalMs: 50 });
    const store = new RedisReplayStore(redis, {
      reservationMs: o.config.reservationTtlSeconds * 1000,
      failedMs: o.config.failedTtlSeconds * 1000,
      terminalRetentionMs: o.config.terminalRetentionSeconds * 1000,
      partitions: o.config.partitionsRequests,
    });
    const policies = compiledPolicies(o.root);
    const reserves: ReserveItem[] = [];
    const completes: CompleteItem[] = [];
    const samples = sampleRequests({ count: o.count, prefix: 'mem', replayRatio: 0, invalidRatio: 0, seed: 5 });
    for (const [i, r] of samples.entries()) {
      const policy = policies.get(r.policyId);
      if (policy === undefined) throw new Error(`unknown policy ${r.policyId}`);
      const v = validateSignals(policy.signalsSchema, r.signals);
      if (!v.ok) throw new Error('invalid sample');
      const executionId = randomUUID();
      const decision = evaluate(policy, v.signals);
      const source = `${o.config.topicRequests}:${i % o.config.partitionsRequests}:${1_000_000 + i}`;
      reserves.push({ executionId, fingerprint: executionFingerprint(r.policyId, r.policyVersion, v.signals), source });
      completes.push({
        executionId,
        source,
        finalState: decision.requires_override ? 'PENDING_OVERRIDE' : 'CONFIRMED',
        data: JSON.stringify({ policyId: r.policyId, policyVersion: r.policyVersion, decision }),
      });
    }
    const keys = reserves.map((r) => store.keyOf(r.executionId));
    const before = await usedMemory(redis);
    for (let i = 0; i < reserves.length; i += 5_000) {
      await store.reserveBatch(reserves.slice(i, i + 5_000));
      await store.completeBatch(completes.slice(i, i + 5_000));
    }
    const after = await usedMemory(redis);
    let usage = 0;
    for (let i = 0; i < keys.length; i += 1_000) {
      const slice = keys.slice(i, i + 1_000);
      const sizes = await Promise.all(slice.map((k) => redis.memory('USAGE', k, 'SAMPLES', 0)));
      usage += sizes.reduce<number>((sum, n) => sum + (n ?? 0), 0);
    }
    for (let i = 0; i < keys.length; i += 1_000) await Promise.all(keys.slice(i, i + 1_000).map((k) => redis.del(k)));
    const result: ReplayMemoryResult = {
      target,
      entries: keys.length,
      memoryUsageBytes: usage / keys.length,
      usedMemoryDeltaBytes: (after - before) / keys.length,
      keyBytes: keys.reduce((n, k) => n + Buffer.byteLength(k), 0) / keys.length,
      dataBytes: completes.reduce((n, c) => n + Buffer.byteLength(c.data), 0) / keys.length,
    };
    const perMillion = (bytes: number): string => `${fmt((bytes * 1e6) / 2 ** 20, 0)} MiB per million`;
    o.print(`replay memory on ${target}: ${fmt(result.entries)} terminal entries`);
    o.print(
      `  MEMORY USAGE per entry        ${fmt(result.memoryUsageBytes, 1)} B (${perMillion(result.memoryUsageBytes)})`,
    );
    o.print(
      `  used_memory growth per entry  ${fmt(result.usedMemoryDeltaBytes, 1)} B (${perMillion(result.usedMemoryDeltaBytes)})`,
    );
    o.print(
      `  of which key ${fmt(result.keyBytes, 1)} B, decision data ${fmt(result.dataBytes, 1)} B (fingerprint 64, source ~${fmt(Buffer.byteLength(reserves[0]?.source ?? ''))})`,
    );
    return result;
  } finally {
    redis.disconnect();
  }
}
