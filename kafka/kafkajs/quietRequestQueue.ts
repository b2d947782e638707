import { createRequire } from 'node:module';

interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
}

const require = createRequire(import.meta.url);
// kafkajs 2.2.4 (its last release) exports no way to reach this; the file's place is fixed for that version.
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as {
  prototype: RequestQueueInternals & { scheduleCheckPendingRequests: (this: RequestQueueInternals) => void };
};
const schedule = RequestQueue.prototype.scheduleCheckPendingRequests;

/**
 * kafkajs 2.2.4 re-arms its pending-request check after every check even when nothing is pending and nothing is
 * throttled: a setTimeout with a negative delay (1 ms) that re-arms itself forever, about 1,000 wake-ups a second
 * per broker connection of an idle client (measured: 4% of a core for a worker whose only kafkajs client was its
 * heartbeat admin). The check is only needed while requests wait, so it is scheduled only then; everything else is
 * kafkajs's own code. Idempotent; applied where kafkajs clients are created.
 */
export function quietRequestQueue(): void {
  if ((RequestQueue.prototype.scheduleCheckPendingRequests as { quiet?: boolean }).quiet === true) return;
  const quiet = function (this: RequestQueueInternals): void {
    if (this.pending.length === 0 && !(this.throttledUntil > Date.now())) return;
    schedule.call(this);
  };
  (quiet as { quiet?: boolean }).quiet = true;
  RequestQueue.prototype.scheduleCheckPendingRequests = quiet;
}
