import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Event-loop delay percentiles (ms) since the last take(): how long ready work waited for the JavaScript thread. */
export function eventLoopDelay(): { take(): { p50: number; p99: number; max: number } } {
  // The monitor is a libuv timer of this period, and each firing measures how late it ran: at 1 ms it alone kept an
  // idle process at 3% of a core; every 100 ms still samples the delay exactly, ten times a second.
  const h = monitorEventLoopDelay({ resolution: 100 });
  h.enable();
  return {
    take() {
      const out = { p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 };
      h.reset();
      return out;
    },
  };
}
