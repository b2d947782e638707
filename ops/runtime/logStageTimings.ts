import type { Logger } from 'pino';
import type { StageTimings } from '../../consumers/worker/StageTimings.js';
import { eventLoopDelay } from './eventLoopDelay.js';

/**
 * Logs the stage histograms and the event-loop delay every `intervalMs` ('stage timings' at info: the benchmark
 * reads these lines). Returns the function that stops it; a no-op when timings are off.
 */
export function logStageTimings(timings: StageTimings | undefined, intervalMs: number, log: Logger): () => void {
  if (timings === undefined) return () => undefined;
  const loopDelay = eventLoopDelay();
  const timer = setInterval(() => {
    log.info({ stages: timings.flush(), eventLoopDelay: loopDelay.take() }, 'stage timings');
  }, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
  };
}
