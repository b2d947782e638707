import { describe, expect, it } from 'vitest';
import { costBetween, costLines, type CostReading } from './CostMeter.js';

const reading = (
  at: number,
  cpu: Record<string, number>,
  machine: number,
  kafka: Record<string, number>,
  pg: Record<string, number>,
): CostReading => ({
  at,
  cpuSeconds: cpu,
  machineSeconds: machine,
  kafka,
  pgTransactions: pg,
});

describe('costBetween', () => {
  const a = reading(
    0,
    { worker: 10, sinks: 5 },
    100,
    { Produce: 10, Fetch: 100, FetchConsumer: 100, Metadata: 3 },
    {
      parmana: 50,
      dropped: 900,
    },
  );
  const b = reading(
    10_000,
    { worker: 12, sinks: 6, postgres: 1 },
    104,
    { Produce: 30, Fetch: 300, FetchConsumer: 300, Metadata: 5, EndTxn: 4 },
    // A database dropped and one created during the window count for nothing.
    { parmana: 150, created: 70 },
  );

  it('divides each process CPU by the requests and by the window for its share of a core', () => {
    const c = costBetween(a, b, 1000, 500);
    expect(c.seconds).toBe(10);
    expect(c.cpuMsPerRequest).toEqual({ worker: 2, sinks: 1, postgres: 1 });
    expect(c.totalCpuMsPerRequest).toBe(4);
    expect(c.coreShare).toEqual({ worker: 0.2, sinks: 0.1, postgres: 0.1 });
    expect(c.machineCpuMsPerRequest).toBe(4);
    // 4 ms per request over a 500 µs floor.
    expect(c.floors).toBe(8);
    expect(c.pgTransactionsPerRequest).toBe(0.1);
  });

  it('counts broker requests per request; FetchConsumer is Fetch again, not "other"', () => {
    const c = costBetween(a, b, 100, 0);
    expect(c.kafkaRequestsPerRequest).toEqual({ Produce: 0.2, Fetch: 2, EndTxn: 0.04, other: 0.02 });
    expect(c.floors).toBe(0);
  });

  it('leaves the Kafka figures out when a reading has none, and prints a line per process', () => {
    const c = costBetween({ ...a, kafka: undefined }, b, 1000, 500);
    expect(c.kafkaRequestsPerRequest).toBeUndefined();
    const lines = costLines('[x]', c);
    expect(lines[0]).toContain('worker');
    expect(lines.some((l) => l.includes('8.0 floors'))).toBe(true);
    expect(lines.some((l) => l.includes('kafka requests'))).toBe(false);
  });
});
