import type { Logger } from 'pino';
import type { CycleChunk } from './BatchCycle.js';

/** What `failClosed` needs to wait inside a cycle: keep the membership alive, stop when the chunks were revoked. */
export interface CycleGuard {
  readonly heartbeat: () => Promise<void>;
  readonly isRunning: () => boolean;
  readonly log: Logger;
  readonly onPause?: (paused: boolean) => void;
}

/** The guard of one cycle: it waits while its consumer runs and any of its partitions is still assigned. */
export function cycleGuard(
  chunks: readonly CycleChunk[],
  o: { running: () => boolean; log: Logger; onPause?: ((paused: boolean) => void) | undefined },
): CycleGuard {
  return {
    heartbeat: () => chunks[0]?.context.heartbeat() ?? Promise.resolve(),
    isRunning: () => o.running() && chunks.some((c) => c.context.isActive()),
    log: o.log,
    ...(o.onPause === undefined ? {} : { onPause: o.onPause }),
  };
}
