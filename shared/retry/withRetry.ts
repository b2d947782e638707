import { setTimeout as sleep } from 'node:timers/promises';
import { Backoff } from './Backoff.js';

/** How long to keep trying: whichever of the attempts and the deadline runs out first ends it. */
export interface RetryPolicy {
  readonly attempts: number;
  /** Total time budget in ms from the first try (a later try never starts past it). */
  readonly deadlineMs: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

/**
 * For calls at the edge (producer SDK, CLI): up to 30 s of tries, then the coded error. Many tries, not only a long
 * time: after its Postgres restarts, the registry answers 500 once for every dead connection in its pool (about 20,
 * measured) before the first 200.
 */
export const EDGE_RETRY: RetryPolicy = { attempts: 40, deadlineMs: 30_000, baseMs: 100, maxMs: 2_000 };

/** True for errors that say so (`retriable: true`: registry 5xx and resets, KAF-001, Postgres connection loss). */
export function isRetriableError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'retriable' in err && err.retriable === true;
}

/**
 * Runs `step` until it succeeds, its error is not retriable, or the policy is spent; waits a capped exponential
 * backoff with full jitter between tries (clients retrying together after an outage do not come back in step).
 * The last error is rethrown as it is: callers keep their coded errors.
 */
export async function withRetry<T>(
  step: () => Promise<T>,
  policy: RetryPolicy,
  o: {
    readonly isRetriable?: (err: unknown) => boolean;
    readonly onRetry?: (err: unknown, attempt: number, waitMs: number) => void;
    readonly random?: () => number;
    readonly now?: () => number;
    readonly sleep?: (ms: number) => Promise<unknown>;
  } = {},
): Promise<T> {
  const now = o.now ?? (() => Date.now());
  const wait = o.sleep ?? ((ms: number) => sleep(ms));
  const retriable = o.isRetriable ?? isRetriableError;
  const backoff = new Backoff(policy.baseMs, policy.maxMs, o.random ?? Math.random);
  const started = now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (err) {
      if (!retriable(err) || attempt >= policy.attempts) throw err;
      const waitMs = backoff.next();
      if (now() + waitMs - started > policy.deadlineMs) throw err;
      o.onRetry?.(err, attempt, waitMs);
      await wait(waitMs);
    }
  }
}
