/** Percentiles of one stage over an interval, in milliseconds, with the histogram they came from. */
export interface StageSummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Counts per bucket (see stageBucketBounds): summaries of several intervals merge by adding these. */
  readonly buckets: readonly number[];
}

// Log-scale buckets from 0.05 ms growing by 15% (about ±7% error on a percentile), up to 10 minutes.
const GROWTH = 1.15;
const FIRST = 0.05;
const BUCKETS = Math.ceil(Math.log(600_000 / FIRST) / Math.log(GROWTH)) + 1;

/** Upper bound (ms) of each bucket; the last one catches everything above. */
export const stageBucketBounds: readonly number[] = Array.from({ length: BUCKETS }, (_, i) => FIRST * GROWTH ** i);

function bucketOf(ms: number): number {
  if (ms <= FIRST) return 0;
  return Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / FIRST) / Math.log(GROWTH)));
}

/** The q-quantile of a histogram: the upper bound of the bucket where the cumulative count reaches q. */
export function histogramQuantile(buckets: readonly number[], q: number): number {
  const total = buckets.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  const target = q * total;
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i] ?? 0;
    if (seen >= target) return stageBucketBounds[i] ?? 0;
  }
  return stageBucketBounds.at(-1) ?? 0;
}

/**
 * Where a request's time goes, stage by stage (fetch wait, decode, Redis, sign, transaction; in the API produce and
 * outcome wait), as fixed-size histograms per interval. A sample may stand for several requests (a chunk or a
 * cycle), so it is weighted by them. Memory is constant however many samples arrive.
 */
export class StageTimings {
  private readonly stages = new Map<string, { buckets: number[]; max: number }>();

  record(stage: string, ms: number, requests = 1): void {
    let s = this.stages.get(stage);
    if (s === undefined) {
      s = { buckets: new Array<number>(BUCKETS).fill(0), max: 0 };
      this.stages.set(stage, s);
    }
    const i = bucketOf(ms);
    s.buckets[i] = (s.buckets[i] ?? 0) + requests;
    if (ms > s.max) s.max = ms;
  }

  /** The summaries since the last call, then starts a new interval. */
  flush(): Record<string, StageSummary> {
    const out: Record<string, StageSummary> = {};
    for (const [stage, s] of this.stages) {
      out[stage] = {
        count: s.buckets.reduce((a, b) => a + b, 0),
        p50: histogramQuantile(s.buckets, 0.5),
        p99: histogramQuantile(s.buckets, 0.99),
        max: s.max,
        buckets: s.buckets,
      };
    }
    this.stages.clear();
    return out;
  }
}
