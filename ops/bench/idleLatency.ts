import { setTimeout as sleep } from 'node:timers/promises';
import { sampleRequests } from '../demo/sampleRequests.js';
import type { ApiStack } from './apiLoad.js';
import { percentile } from './stats.js';

export interface IdleLatency {
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/**
 * A lone request on an otherwise idle stack: `count` POST /execute one after another, `gapMs` apart, so no request
 * shares a fetch or a transaction with another. Each must be answered 200 with a signed outcome.
 */
export async function idleLatency(stack: ApiStack, count: number, gapMs: number, seed: number): Promise<IdleLatency> {
  const bodies = sampleRequests({
    count,
    prefix: `idle-${stack.bench.id}-${seed}`,
    replayRatio: 0,
    invalidRatio: 0,
    seed,
  });
  const ms: number[] = [];
  for (const body of bodies) {
    await sleep(gapMs);
    const t0 = performance.now();
    const res = await fetch(`${stack.url}/execute`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`idle request ${body.executionId}: HTTP ${res.status}`);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { requests: ms.length, p50Ms: percentile(ms, 50), p99Ms: percentile(ms, 99), maxMs: ms.at(-1) ?? 0 };
}
