import { describe, expect, it } from 'vitest';
import type { OutgoingRecord, PartitionOffset, TransactionalProducer } from '../../kafka/KafkaClient.js';
import { GroupCommitter, type CommitJob } from './GroupCommitter.js';

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

const job = (partition: number, value: string, bytes = 100): CommitJob => ({
  records: [{ topic: 'out', key: value, value: Buffer.from(value) }],
  offset: { topic: 'requests', partition, offset: String(partition * 10 + 1) },
  bytes,
});
const tick = () => new Promise((r) => setImmediate(r));
const values = (t: Txn | undefined) => t?.records.map((r) => r.value?.toString());

describe('GroupCommitter', () => {
  it('starts a lone chunk at once; chunks queued meanwhile share the next transaction with every offset', async () => {
    const { producer, txns } = fakeProducer();
    const committer = new GroupCommitter(producer, 10_000);
    const first = committer.commit(job(0, 'a'));
    await tick();
    expect(txns).toHaveLength(1);
    const second = committer.commit(job(1, 'b'));
    const third = committer.commit(job(2, 'c'));
    await tick();
    expect(txns).toHaveLength(1);
    txns[0]?.finish();
    await first;
    await tick();
    expect(txns).toHaveLength(2);
    expect(values(txns[1])).toEqual(['b', 'c']);
    expect(txns[1]?.offsets).toEqual([
      { topic: 'requests', partition: 1, offset: '11' },
      { topic: 'requests', partition: 2, offset: '21' },
    ]);
    txns[1]?.finish();
    await Promise.all([second, third]);
  });

  it('a failed transaction rejects exactly its chunks; the next one still commits', async () => {
    const { producer, txns } = fakeProducer();
    const committer = new GroupCommitter(producer, 10_000);
    const first = committer.commit(job(0, 'a'));
    await tick();
    const second = committer.commit(job(1, 'b'));
    txns[0]?.finish(new Error('fenced'));
    await expect(first).rejects.toThrow('fenced');
    await tick();
    expect(values(txns[1])).toEqual(['b']);
    txns[1]?.finish();
    await expect(second).resolves.toBeUndefined();
  });

  it('caps a transaction by bytes: a big chunk goes alone, the rest follow in order', async () => {
    const { producer, txns } = fakeProducer();
    const committer = new GroupCommitter(producer, 1_000);
    const head = committer.commit(job(0, 'head', 10));
    await tick();
    const rest = [
      committer.commit(job(1, 'big', 900)),
      committer.commit(job(2, 'x', 200)),
      committer.commit(job(3, 'y', 50)),
    ];
    txns[0]?.finish();
    await head;
    await tick();
    expect(values(txns[1])).toEqual(['big']);
    txns[1]?.finish();
    await tick();
    await tick();
    expect(values(txns[2])).toEqual(['x', 'y']);
    txns[2]?.finish();
    await Promise.all(rest);
  });

  it('reports each transaction with its chunk count and duration', async () => {
    const { producer, txns } = fakeProducer();
    let now = 0;
    const seen: [number, number][] = [];
    const committer = new GroupCommitter(
      producer,
      10_000,
      (n, ms) => seen.push([n, ms]),
      () => now,
    );
    const first = committer.commit(job(0, 'a'));
    await tick();
    now = 7;
    txns[0]?.finish();
    await first;
    expect(seen).toEqual([[1, 7]]);
  });
});
