import type { Producer, ProducerBatch, RecordMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { BatchingSender } from './BatchingSender.js';

/** Records each sendBatch; each call settles only when the test releases it. */
function fakeProducer() {
  const calls: { batch: ProducerBatch; release: (err?: Error) => void }[] = [];
  const producer = {
    sendBatch: (batch: ProducerBatch) =>
      new Promise<RecordMetadata[]>((resolve, reject) => {
        calls.push({
          batch,
          release: (err) => {
            if (err === undefined) resolve([]);
            else reject(err);
          },
        });
      }),
  } as unknown as Producer;
  return { producer, calls };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('BatchingSender', () => {
  it('sends at once when idle, then batches everything queued during the round trip, grouped by topic', async () => {
    const { producer, calls } = fakeProducer();
    const sender = new BatchingSender(producer);
    const first = sender.send('a', { value: '1' });
    await tick();
    expect(calls).toHaveLength(1);
    const queued = [
      sender.send('a', { value: '2' }),
      sender.send('b', { value: '3' }),
      sender.send('a', { value: '4' }),
    ];
    await tick();
    expect(calls).toHaveLength(1);
    calls[0]?.release();
    await first;
    await tick();
    expect(calls).toHaveLength(2);
    expect(calls[1]?.batch.acks).toBe(-1);
    expect(calls[1]?.batch.topicMessages?.map((t) => [t.topic, t.messages.map((m) => m.value)])).toEqual([
      ['a', ['2', '4']],
      ['b', ['3']],
    ]);
    calls[1]?.release();
    await Promise.all(queued);
  });

  it('a failed send rejects exactly the callers of that batch; later sends still go out', async () => {
    const { producer, calls } = fakeProducer();
    const sender = new BatchingSender(producer);
    const failed = sender.send('a', { value: '1' });
    await tick();
    calls[0]?.release(new Error('broker down'));
    await expect(failed).rejects.toThrow('broker down');
    const ok = sender.send('a', { value: '2' });
    await tick();
    calls[1]?.release();
    await expect(ok).resolves.toBeUndefined();
  });

  it('caps a batch at maxBatch records', async () => {
    const { producer, calls } = fakeProducer();
    const sender = new BatchingSender(producer, 2);
    const head = sender.send('a', { value: '0' });
    await tick();
    const rest = [1, 2, 3].map((i) => sender.send('a', { value: String(i) }));
    calls[0]?.release();
    await head;
    await tick();
    expect(calls[1]?.batch.topicMessages?.[0]?.messages).toHaveLength(2);
    calls[1]?.release();
    await tick();
    await tick();
    expect(calls[2]?.batch.topicMessages?.[0]?.messages).toHaveLength(1);
    calls[2]?.release();
    await Promise.all(rest);
  });
});
