import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { summarize, type Summary } from './stats.js';

/**
 * The broker's limit for records of a given size on this machine, measured with a plain kafkajs loop and no
 * processing: produce in batches (acks=all, idempotent), then consume everything from the beginning.
 */
export async function kafkaRawBenchmark(
  brokers: readonly string[],
  count: number,
  recordBytes: number,
  partitions: number,
  runs: number,
): Promise<{ produce: Summary; consume: Summary }> {
  const kafka = new Kafka({ brokers: [...brokers], clientId: 'bench-raw', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const value = Buffer.alloc(recordBytes, 120);
  const produceRates: number[] = [];
  const consumeRates: number[] = [];
  try {
    for (let run = 0; run <= runs; run++) {
      const topic = `bench.raw.${randomUUID()}`;
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions }] });
      const producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      const t0 = process.hrtime.bigint();
      const batch = 1000;
      for (let i = 0; i < count; i += batch) {
        const messages = Array.from({ length: Math.min(batch, count - i) }, (_, j) => ({ key: `k-${i + j}`, value }));
        await producer.send({ topic, acks: -1, messages });
      }
      const produced = Number(process.hrtime.bigint() - t0) / 1e9;
      await producer.disconnect();
      const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}`, maxBytesPerPartition: 4 * 1024 * 1024 });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      let seen = 0;
      let t1 = 0n;
      const done = new Promise<void>((resolve) => {
        void consumer.run({
          eachBatchAutoResolve: true,
          eachBatch: ({ batch: b }) => {
            if (t1 === 0n) t1 = process.hrtime.bigint();
            seen += b.messages.length;
            if (seen >= count) resolve();
            return Promise.resolve();
          },
        });
      });
      await done;
      const consumed = Number(process.hrtime.bigint() - t1) / 1e9;
      await consumer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      if (run === 0) continue; // warm-up
      produceRates.push(count / produced);
      consumeRates.push(count / consumed);
    }
  } finally {
    await admin.disconnect();
  }
  return { produce: summarize(produceRates), consume: summarize(consumeRates) };
}
