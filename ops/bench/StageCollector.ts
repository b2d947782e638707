import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { histogramQuantile, type StageSummary } from '../../consumers/worker/StageTimings.js';

/** One stage's percentiles over a window, merged from the per-second histograms a process logged. */
export interface StagePercentiles {
  readonly stage: string;
  readonly process: string;
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
}

interface Line {
  readonly at: number;
  readonly process: string;
  readonly stages: Readonly<Record<string, StageSummary>>;
}

/**
 * Reads the 'stage timings' lines (PARMANA_STAGE_TIMINGS_MS) of the worker and the API from their stdout and
 * merges the histograms that fall in a measurement window, so the breakdown covers exactly one load run.
 */
export class StageCollector {
  private readonly lines: Line[] = [];

  attach(child: ChildProcess, process: string): void {
    if (child.stdout === null) return;
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (text) => {
      if (!text.includes('"stage timings"')) return;
      try {
        const j = JSON.parse(text) as { stages?: Record<string, StageSummary> };
        if (j.stages !== undefined) this.lines.push({ at: Date.now(), process, stages: j.stages });
      } catch {
        // Not one of ours.
      }
    });
  }

  /** Percentiles of every stage logged between `from` and `to` (epoch ms), in the order stages first appeared. */
  between(from: number, to: number): StagePercentiles[] {
    const merged = new Map<string, { process: string; stage: string; buckets: number[] }>();
    for (const line of this.lines) {
      if (line.at < from || line.at > to) continue;
      for (const [stage, s] of Object.entries(line.stages)) {
        const key = `${line.process}\u0000${stage}`;
        const m = merged.get(key) ?? { process: line.process, stage, buckets: [] };
        s.buckets.forEach((n, i) => {
          m.buckets[i] = (m.buckets[i] ?? 0) + n;
        });
        merged.set(key, m);
      }
    }
    return [...merged.values()].map((m) => ({
      stage: m.stage,
      process: m.process,
      count: m.buckets.reduce((a, b) => a + b, 0),
      p50: histogramQuantile(m.buckets, 0.5),
      p99: histogramQuantile(m.buckets, 0.99),
    }));
  }
}
