import { describe, expect, it } from 'vitest';
import type { KafkaRecord, PartitionOffset, RecordBatch } from '../../kafka/KafkaClient.js';
import { BatchCycle, cycleHandler, type CycleChunk } from './BatchCycle.js';

const record = (topic: string, partition: number, offset: number, value: string): KafkaRecord => ({
  topic,
  partition,
  offset: String(offset),
  timestamp: '0',
  key: null,
  value: Buffer.from(value),
  headers: {},
});

const batch = (topic: string, partition: number, values: readonly string[], from = 0): RecordBatch => ({
  topic,
  partition,
  records: values.map((v, i) => record(topic, partition, from + i, v)),
});

describe('cycleHandler', () => {
  it('hands a batch to the next cycle whole, with its byte estimate, and resolves after the commit', async () => {
    const prepared: { chunks: string[]; bytes: number[] }[] = [];
    const committed: PartitionOffset[][] = [];
    const cycles = new BatchCycle<number>(
      (chunks: readonly CycleChunk[]) => {
        prepared.push({ chunks: chunks.map((c) => `${c.topic}:${c.partition}`), bytes: chunks.map((c) => c.bytes) });
        return Promise.resolve(chunks.length);
      },
      (_, offsets) => {
        committed.push([...offsets]);
        return Promise.resolve();
      },
      1_000_000,
    );
    const handle = cycleHandler(cycles, (r) => r.value?.length ?? 0);
    const context = { isActive: () => true, heartbeat: () => Promise.resolve() };
    await handle(batch('a', 0, ['xx', 'yyy'], 5), context);
    expect(prepared).toEqual([{ chunks: ['a:0'], bytes: [5] }]);
    expect(committed).toEqual([[{ topic: 'a', partition: 0, offset: '7' }]]);
  });

  it('submits nothing for an empty batch or a partition no longer held', async () => {
    let cyclesRun = 0;
    const cycles = new BatchCycle<void>(
      () => {
        cyclesRun += 1;
        return Promise.resolve();
      },
      () => Promise.resolve(),
      1_000_000,
    );
    const handle = cycleHandler(cycles, () => 1);
    await handle(batch('a', 0, []), { isActive: () => true, heartbeat: () => Promise.resolve() });
    await handle(batch('a', 1, ['x']), { isActive: () => false, heartbeat: () => Promise.resolve() });
    expect(cyclesRun).toBe(0);
  });
});
