/** Percentiles of one stage over an interval, in milliseconds. */
export interface StageSummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/**
 * Where a request's time goes inside the worker, stage by stage (fetch wait, decode, Redis, sign, commit), kept
 * per interval and summarised into percentiles. Each sample is one chunk; a sample stands for every request in it,
 * so the summary weighs chunks by their size. Bounded: beyond `cap` samples per stage, older ones are overwritten.
 */
export class StageTimings {
  private readonly samples = new Map<string, { values: number[]; weights: number[]; next: number }>();

  constructor(private readonly cap = 20_000) {}

  record(stage: string, ms: number, requests = 1): void {
    let s = this.samples.get(stage);
    if (s === undefined) {
      s = { values: [], weights: [], next: 0 };
      this.samples.set(stage, s);
    }
    if (s.values.length < this.cap) {
      s.values.push(ms);
      s.weights.push(requests);
    } else {
      s.values[s.next] = ms;
      s.weights[s.next] = requests;
      s.next = (s.next + 1) % this.cap;
    }
  }

  /** The percentiles since the last call (weighted by requests per sample), then starts a new interval. */
  flush(): Record<string, StageSummary> {
    const out: Record<string, StageSummary> = {};
    for (const [stage, s] of this.samples) {
      const expanded: number[] = [];
      s.values.forEach((v, i) => {
        for (let n = Math.min(s.weights[i] ?? 1, 1_000); n > 0; n--) expanded.push(v);
      });
      expanded.sort((a, b) => a - b);
      out[stage] = {
        count: expanded.length,
        p50: quantile(expanded, 0.5),
        p99: quantile(expanded, 0.99),
        max: expanded.at(-1) ?? 0,
      };
    }
    this.samples.clear();
    return out;
  }
}
