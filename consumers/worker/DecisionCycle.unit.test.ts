import { describe, expect, it } from 'vitest';
import type { OutgoingRecord, PartitionOffset, TransactionalProducer } from '../../kafka/KafkaClient.js';
import { DecisionCycle, type CycleChunk } from './DecisionCycle.js';

interface Txn {
  readonly records: readonly OutgoingRecord[];
  readonly offsets: readonly PartitionOffset[];
  finish: (err?: Error) => void;
}

/** A transactional producer whose commits record what they carried and wait until the test finishes them. */
function fakeProducer(): { producer: TransactionalProducer; txns: Txn[] } {
  const txns: Txn[] = [];
  const producer: TransactionalProducer = {
    commit: (records, offsets) =>
      new Promise<void>((resolve, reject) => {
        txns.push({
          records,
          offsets,
          finish: (err) => {
            if (err === undefined) resolve();
            else reject(err);
          },
        });
      }),
    disconnect: () => Promise.resolve(),
  };
  return { producer, txns };
}

const chunk = (partition: number, offsets: readonly number[], bytes = 100, active = () => true): CycleChunk => ({
  topic: 'requests',
  partition,
  records: offsets.map((o) => ({
    topic: 'requests',
    partition,
    offset: String(o),
    timestamp: '0',
    key: null,
    value: Buffer.from(`p${partition}o${o}`),
    headers: {},
  })),
  context: { isActive: active, heartbeat: () => Promise.resolve() },
  bytes,
});

/** Decides by echoing each record's value to the output topic; remembers which chunks each cycle held. */
function echo() {
  const cycles: string[][] = [];
  const decide = (chunks: readonly CycleChunk[]) => {
    cycles.push(chunks.map((c) => `p${c.partition}`));
    return Promise.resolve(chunks.flatMap((c) => c.records.map((r) => ({ topic: 'out', key: null, value: r.value }))));
  };
  return { cycles, decide };
}

const tick = async (n = 3) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('DecisionCycle', () => {
  it('starts a lone chunk at once, commits its outputs with its next offset', async () => {
    const { producer, txns } = fakeProducer();
    const { decide } = echo();
    const cycle = new DecisionCycle(decide, producer, 10_000);
    const done = cycle.submit(chunk(3, [7, 8]));
    await tick();
    expect(txns).toHaveLength(1);
    expect(txns[0]?.records.map((r) => r.value?.toString())).toEqual(['p3o7', 'p3o8']);
    expect(txns[0]?.offsets).toEqual([{ topic: 'requests', partition: 3, offset: '9' }]);
    txns[0]?.finish();
    await expect(done).resolves.toBeUndefined();
  });

  it('chunks arriving while a cycle is being decided share the next cycle', async () => {
    const { producer, txns } = fakeProducer();
    const cycles: string[][] = [];
    const releases: (() => void)[] = [];
    const decide = (chunks: readonly CycleChunk[]) => {
      cycles.push(chunks.map((c) => `p${c.partition}`));
      return new Promise<OutgoingRecord[]>((resolve) => {
        releases.push(() => {
          resolve([]);
        });
      });
    };
    const cycle = new DecisionCycle(decide, producer, 10_000);
    const first = cycle.submit(chunk(0, [1]));
    const second = cycle.submit(chunk(1, [1]));
    const third = cycle.submit(chunk(2, [1]));
    expect(cycles).toEqual([['p0']]);
    releases[0]?.();
    await tick();
    expect(cycles).toEqual([['p0'], ['p1', 'p2']]);
    releases[1]?.();
    await tick();
    txns[0]?.finish();
    await first;
    await tick();
    expect(txns[1]?.offsets.map((o) => o.partition)).toEqual([1, 2]);
    txns[1]?.finish();
    await Promise.all([second, third]);
  });

  it('decides the next cycle while the previous one commits, and commits in order', async () => {
    const { producer, txns } = fakeProducer();
    const { cycles, decide } = echo();
    const cycle = new DecisionCycle(decide, producer, 10_000);
    const first = cycle.submit(chunk(0, [1]));
    await tick();
    expect(txns).toHaveLength(1);
    // Arrives while the first transaction is open: decided at once...
    const second = cycle.submit(chunk(1, [1]));
    await tick();
    expect(cycles).toEqual([['p0'], ['p1']]);
    // ...but committed only after the first transaction.
    expect(txns).toHaveLength(1);
    txns[0]?.finish();
    await first;
    await tick();
    expect(txns).toHaveLength(2);
    expect(txns[1]?.offsets.map((o) => o.partition)).toEqual([1]);
    txns[1]?.finish();
    await second;
  });

  it('a failed transaction rejects exactly its chunks; the next cycle still commits', async () => {
    const { producer, txns } = fakeProducer();
    const { decide } = echo();
    const cycle = new DecisionCycle(decide, producer, 10_000);
    const first = cycle.submit(chunk(0, [1]));
    await tick();
    const second = cycle.submit(chunk(1, [1]));
    await tick();
    txns[0]?.finish(new Error('fenced'));
    await expect(first).rejects.toThrow('fenced');
    await tick();
    txns[1]?.finish();
    await expect(second).resolves.toBeUndefined();
  });

  it('a failed decision rejects its chunks and commits nothing for them', async () => {
    const { producer, txns } = fakeProducer();
    let fail = true;
    const cycle = new DecisionCycle(
      (chunks) => {
        if (fail) {
          fail = false;
          return Promise.reject(new Error('redis down'));
        }
        return Promise.resolve(chunks.map(() => ({ topic: 'out', key: null, value: null })));
      },
      producer,
      10_000,
    );
    await expect(cycle.submit(chunk(0, [1]))).rejects.toThrow('redis down');
    expect(txns).toHaveLength(0);
    const next = cycle.submit(chunk(0, [1]));
    await tick();
    txns[0]?.finish();
    await expect(next).resolves.toBeUndefined();
  });

  it('skips chunks of a partition revoked while they waited, and caps a cycle by bytes', async () => {
    const { producer, txns } = fakeProducer();
    const { cycles, decide } = echo();
    const cycle = new DecisionCycle(decide, producer, 1_000);
    const head = cycle.submit(chunk(0, [1], 10));
    await tick();
    const revoked = cycle.submit(chunk(1, [1], 10, () => false));
    const big = cycle.submit(chunk(2, [1], 900));
    const rest = cycle.submit(chunk(3, [1], 200));
    await tick();
    await expect(revoked).resolves.toBeUndefined();
    // Decided ahead of one open transaction only: the second waits for the first commit before it is decided.
    txns[0]?.finish();
    await head;
    await tick();
    txns[1]?.finish();
    await big;
    await tick();
    txns[2]?.finish();
    await rest;
    expect(cycles).toEqual([['p0'], ['p2'], ['p3']]);
    expect(txns.flatMap((t) => t.offsets.map((o) => o.partition))).toEqual([0, 2, 3]);
  });

  it('reports each committed cycle with its records and durations', async () => {
    const { producer, txns } = fakeProducer();
    const { decide } = echo();
    let now = 0;
    const reports: object[] = [];
    const cycle = new DecisionCycle(
      decide,
      producer,
      10_000,
      (r) => reports.push(r),
      () => now,
    );
    const done = cycle.submit(chunk(0, [1, 2, 3]));
    await tick();
    now = 12;
    txns[0]?.finish();
    await done;
    expect(reports).toEqual([{ chunks: 1, records: 3, decideMs: 0, transactionMs: 12 }]);
  });
});
