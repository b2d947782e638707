import { describe, expect, it } from 'vitest';
import type { DeliveryReceipt, OutgoingRecord, Producer } from '../../kafka/KafkaClient.js';
import { BatchingSender } from './BatchingSender.js';

/** Records each send; each call settles only when the test releases it. */
function fakeProducer() {
  const calls: { records: readonly OutgoingRecord[]; release: (err?: Error) => void }[] = [];
  const producer: Producer = {
    send: (records) =>
      new Promise<DeliveryReceipt[]>((resolve, reject) => {
        calls.push({
          records,
          release: (err) => {
            if (err === undefined) resolve([]);
            else reject(err);
          },
        });
      }),
    disconnect: () => Promise.resolve(),
  };
  return { producer, calls };
}

const tick = () => new Promise((r) => setImmediate(r));
const rec = (topic: string, value: string): OutgoingRecord => ({ topic, key: null, value: Buffer.from(value) });
const shown = (records: readonly OutgoingRecord[] | undefined) => records?.map((r) => [r.topic, r.value?.toString()]);

describe('BatchingSender', () => {
  it('sends at once when idle, then batches everything queued during the round trip, in order', async () => {
    const { producer, calls } = fakeProducer();
    const sender = new BatchingSender(producer);
    const first = sender.send(rec('a', '1'));
    await tick();
    expect(calls).toHaveLength(1);
    const queued = [sender.send(rec('a', '2')), sender.send(rec('b', '3')), sender.send(rec('a', '4'))];
    await tick();
    expect(calls).toHaveLength(1);
    calls[0]?.release();
    await first;
    await tick();
    expect(calls).toHaveLength(2);
    expect(shown(calls[1]?.records)).toEqual([
      ['a', '2'],
      ['b', '3'],
      ['a', '4'],
    ]);
    calls[1]?.release();
    await Promise.all(queued);
  });

  it('a failed send rejects exactly the callers of that batch; later sends still go out', async () => {
    const { producer, calls } = fakeProducer();
    const sender = new BatchingSender(producer);
    const failed = sender.send(rec('a', '1'));
    await tick();
    calls[0]?.release(new Error('broker down'));
    await expect(failed).rejects.toThrow('broker down');
    const ok = sender.send(rec('a', '2'));
    await tick();
    calls[1]?.release();
    await expect(ok).resolves.toBeUndefined();
  });

  it('caps a batch at maxBatch records', async () => {
    const { producer, calls } = fakeProducer();
    const sender = new BatchingSender(producer, 2);
    const head = sender.send(rec('a', '0'));
    await tick();
    const rest = [1, 2, 3].map((i) => sender.send(rec('a', String(i))));
    calls[0]?.release();
    await head;
    await tick();
    expect(calls[1]?.records).toHaveLength(2);
    calls[1]?.release();
    await tick();
    await tick();
    expect(calls[2]?.records).toHaveLength(1);
    calls[2]?.release();
    await Promise.all(rest);
  });
});
