import { describe, expect, it } from 'vitest';
import { withRetry, type RetryPolicy } from './withRetry.js';

const policy: RetryPolicy = { attempts: 5, deadlineMs: 10_000, baseMs: 100, maxMs: 1_000 };
const transient = Object.assign(new Error('reset'), { retriable: true });
const fatal = Object.assign(new Error('bad input'), { retriable: false });

function clock() {
  let t = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => t,
    sleep: (ms: number) => {
      waits.push(ms);
      t += ms;
      return Promise.resolve();
    },
  };
}

describe('withRetry', () => {
  it('retries transient failures with growing, jittered waits and returns the first success', async () => {
    const c = clock();
    let calls = 0;
    const result = await withRetry(
      () => {
        calls++;
        return calls < 4 ? Promise.reject(transient) : Promise.resolve('ok');
      },
      policy,
      { ...c, random: () => 0.5 },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(4);
    // Full jitter at 0.5 of 100, 200, 400 (never below the base).
    expect(c.waits).toEqual([100, 100, 200]);
  });

  it('gives up after the attempts with the last error, unchanged', async () => {
    const c = clock();
    let calls = 0;
    await expect(
      withRetry(
        () => {
          calls++;
          return Promise.reject(transient);
        },
        policy,
        { ...c, random: () => 1 },
      ),
    ).rejects.toBe(transient);
    expect(calls).toBe(5);
    expect(c.waits).toEqual([100, 200, 400, 800]);
  });

  it('never starts a try past the deadline', async () => {
    const c = clock();
    let calls = 0;
    await expect(
      withRetry(
        () => {
          calls++;
          return Promise.reject(transient);
        },
        { ...policy, attempts: 100, deadlineMs: 1_000 },
        { ...c, random: () => 1 },
      ),
    ).rejects.toBe(transient);
    // 100 + 200 + 400 = 700 ms waited; the next 800 would end past 1,000.
    expect(c.waits).toEqual([100, 200, 400]);
    expect(calls).toBe(4);
  });

  it('does not retry an error that is not retriable', async () => {
    const c = clock();
    let calls = 0;
    await expect(
      withRetry(
        () => {
          calls++;
          return Promise.reject(fatal);
        },
        policy,
        c,
      ),
    ).rejects.toBe(fatal);
    expect(calls).toBe(1);
    expect(c.waits).toEqual([]);
  });
});
