/** Realistic requests for the shipped policies, with a share of replays and invalid signals mixed in. */
export interface SampleMix {
  readonly count: number;
  readonly prefix: string;
  readonly replayRatio: number;
  readonly invalidRatio: number;
  readonly seed: number;
}

export interface SampleRequest {
  readonly executionId: string;
  readonly policyId: string;
  readonly policyVersion: string;
  readonly signals: Record<string, unknown>;
}

// Small deterministic PRNG (mulberry32): the same seed gives the same workload.
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(r: () => number, items: readonly T[]): T {
  const item = items[Math.floor(r() * items.length)];
  if (item === undefined) throw new Error('empty choice');
  return item;
}

function signalsFor(policyId: string, r: () => number): Record<string, unknown> {
  const round = (n: number, d: number): number => Math.round(n * 10 ** d) / 10 ** d;
  if (policyId === 'loan-approval') {
    return {
      credit_score: 300 + Math.floor(r() * 551),
      annual_income: round(20_000 + r() * 300_000, 2),
      loan_amount: round(1_000 + r() * 400_000, 2),
      debt_to_income: round(r() * 0.7, 3),
      employment_status: pick(r, ['employed', 'self_employed', 'unemployed', 'retired']),
      has_collateral: r() < 0.5,
    };
  }
  if (policyId === 'refund-approval') {
    return {
      amount: round(r() * 2_000, 2),
      currency: pick(r, ['USD', 'EUR', 'GBP', 'INR']),
      days_since_purchase: Math.floor(r() * 120),
      customer_tier: pick(r, ['standard', 'gold', 'platinum']),
      prior_refunds_90d: Math.floor(r() * 8),
      fraud_score: round(r(), 3),
    };
  }
  return {
    action_type: pick(r, ['read', 'write', 'payment', 'delete', 'external_email']),
    amount: round(r() * 1_000, 2),
    environment: pick(r, ['sandbox', 'production']),
    agent_trust_level: Math.floor(r() * 6),
    affects_pii: r() < 0.3,
  };
}

export const SHIPPED_POLICIES = ['loan-approval', 'refund-approval', 'agent-action-gate'] as const;

export function sampleRequests(mix: SampleMix): SampleRequest[] {
  const r = rng(mix.seed);
  const out: SampleRequest[] = [];
  for (let i = 0; i < mix.count; i++) {
    const x = r();
    const previous = out[Math.floor(r() * out.length)];
    if (x < mix.replayRatio && previous !== undefined) {
      // A replay: an executionId already used, with different signals.
      out.push({ ...previous, signals: signalsFor(previous.policyId, r) });
      continue;
    }
    const policyId = pick(r, SHIPPED_POLICIES);
    const signals = signalsFor(policyId, r);
    if (x < mix.replayRatio + mix.invalidRatio) signals.unexpected_signal = 'x';
    out.push({ executionId: `${mix.prefix}-${i}`, policyId, policyVersion: '1.0.0', signals });
  }
  return out;
}
