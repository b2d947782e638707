import type { EachBatchPayload } from 'kafkajs';

/** The batch controls as plain functions (kafkajs passes methods; destructuring them would lose `this`). */
export function batchControls(p: EachBatchPayload): {
  heartbeat: () => Promise<void>;
  resolveOffset: (offset: string) => void;
  isRunning: () => boolean;
  isStale: () => boolean;
} {
  return {
    heartbeat: () => p.heartbeat(),
    resolveOffset: (offset) => {
      p.resolveOffset(offset);
    },
    isRunning: () => p.isRunning(),
    isStale: () => p.isStale(),
  };
}
