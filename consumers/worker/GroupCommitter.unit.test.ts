import type { Producer, TopicOffsets, Transaction } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { GroupCommitter, type CommitJob } from './GroupCommitter.js';

interface Txn {
  sent: { topic: string; values: string[] }[];
  offsets: TopicOffsets[];
  state: 'open' | 'committed' | 'aborted';
  finish: (err?: Error) => void;
}

/** A producer whose transactions record what they carried; each commit waits until the test finishes it. */
function fakeProducer(): { producer: Producer; txns: Txn[] } {
  const txns: Txn[] = [];
  const producer = {
    transaction: () => {
      const txn: Txn = { sent: [], offsets: [], state: 'open', finish: () => undefined };
      txns.push(txn);
      const t = {
        sendBatch: ({ topicMessages }: { topicMessages: { topic: string; messages: { value: string }[] }[] }) => {
          txn.sent.push(...topicMessages.map((m) => ({ topic: m.topic, values: m.messages.map((x) => x.value) })));
          return Promise.resolve([]);
        },
        sendOffsets: ({ topics }: { topics: TopicOffsets[] }) => {
          txn.offsets.push(...topics);
          return Promise.resolve();
        },
        commit: () =>
          new Promise<void>((resolve, reject) => {
            txn.finish = (err) => {
              if (err === undefined) {
                txn.state = 'committed';
                resolve();
              } else reject(err);
            };
          }),
        abort: () => {
          txn.state = 'aborted';
          return Promise.resolve();
        },
      };
      return Promise.resolve(t as unknown as Transaction);
    },
  } as unknown as Producer;
  return { producer, txns };
}

const job = (partition: number, value: string, bytes = 100): CommitJob => ({
  outputs: new Map([['out', [{ key: value, value }]]]),
  source: { topic: 'requests', partition, nextOffset: String(partition * 10 + 1) },
  bytes,
});
const tick = () => new Promise((r) => setImmediate(r));

describe('GroupCommitter', () => {
  it('chunks queued during a transaction share the next one, with every source offset', async () => {
    const { producer, txns } = fakeProducer();
    const committer = new GroupCommitter(producer, 'g', 10_000, () => Promise.resolve());
    const first = committer.commit(job(0, 'a'));
    await tick();
    const later = [committer.commit(job(1, 'b')), committer.commit(job(2, 'c'))];
    await tick();
    expect(txns).toHaveLength(1);
    txns[0]?.finish();
    await first;
    await tick();
    expect(txns).toHaveLength(2);
    expect(txns[1]?.sent).toEqual([{ topic: 'out', values: ['b', 'c'] }]);
    expect(txns[1]?.offsets).toEqual([
      {
        topic: 'requests',
        partitions: [
          { partition: 1, offset: '11' },
          { partition: 2, offset: '21' },
        ],
      },
    ]);
    txns[1]?.finish();
    await Promise.all(later);
    expect(txns.map((t) => t.state)).toEqual(['committed', 'committed']);
  });

  it('a failed commit aborts and rejects exactly its chunks; the next transaction goes on', async () => {
    const { producer, txns } = fakeProducer();
    const committer = new GroupCommitter(producer, 'g', 10_000, () => Promise.resolve());
    const failed = committer.commit(job(0, 'a'));
    await tick();
    const next = committer.commit(job(1, 'b'));
    txns[0]?.finish(new Error('coordinator moved'));
    await expect(failed).rejects.toThrow('coordinator moved');
    expect(txns[0]?.state).toBe('aborted');
    await tick();
    txns[1]?.finish();
    await expect(next).resolves.toBeUndefined();
  });

  it('keeps a transaction under maxBytes, but a single large chunk still goes alone', async () => {
    const { producer, txns } = fakeProducer();
    const committer = new GroupCommitter(producer, 'g', 250, () => Promise.resolve());
    const head = committer.commit(job(0, 'big', 1_000));
    await tick();
    const rest = [committer.commit(job(1, 'x')), committer.commit(job(2, 'y')), committer.commit(job(3, 'z'))];
    txns[0]?.finish();
    await head;
    await tick();
    expect(txns[1]?.sent[0]?.values).toEqual(['x', 'y']);
    txns[1]?.finish();
    await tick();
    await tick();
    expect(txns[2]?.sent[0]?.values).toEqual(['z']);
    txns[2]?.finish();
    await Promise.all(rest);
  });
});
