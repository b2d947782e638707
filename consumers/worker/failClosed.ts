import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { Backoff } from '../../shared/retry/Backoff.js';

/** True for failures worth waiting out (Redis or registry down), false for bugs or bad input. */
export function isRetriable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'retriable' in err && err.retriable === true;
}

/**
 * Runs `step` until it succeeds. While a dependency is down nothing is signed or committed: the batch waits here,
 * with capped backoff, and resumes by itself. kafkajs only heartbeats between batches, so a long wait inside
 * eachBatch would get this member evicted; `heartbeat` is called at least every `heartbeatEveryMs` to prevent that.
 */
export async function failClosed<T>(
  step: () => Promise<T>,
  o: {
    heartbeat: () => Promise<void>;
    isRunning: () => boolean;
    log: Logger;
    what: string;
    onPause?: (paused: boolean) => void;
    heartbeatEveryMs?: number;
  },
): Promise<T> {
  const backoff = new Backoff(250, 10_000, () => 0.5 + Math.random() / 2);
  for (;;) {
    try {
      const result = await step();
      if (backoff.attempts > 0) {
        o.log.info({ what: o.what, attempts: backoff.attempts }, 'dependency back: resuming');
        o.onPause?.(false);
      }
      return result;
    } catch (err) {
      if (!isRetriable(err) || !o.isRunning()) throw err;
      const wait = backoff.next();
      o.onPause?.(true);
      o.log.warn(
        { what: o.what, err: err instanceof Error ? err.message : String(err), retryInMs: wait },
        'dependency unavailable: paused, nothing signed or committed',
      );
      for (let left = wait; left > 0; left -= o.heartbeatEveryMs ?? 2000) {
        await sleep(Math.min(left, o.heartbeatEveryMs ?? 2000));
        await o.heartbeat();
      }
    }
  }
}
