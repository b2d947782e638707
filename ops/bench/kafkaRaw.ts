import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { createKafkaAdmin } from '../../kafka/createKafkaAdmin.js';
import { createKafkaClient } from '../../kafka/createKafkaClient.js';
import type { KafkaClientName } from '../../kafka/KafkaClient.js';
import { summarize, type Summary } from './stats.js';
import type { KafkaConnection } from '../../kafka/KafkaConnection.js';

/**
 * The broker's limit for records of a given size on this machine through one client of the Kafka port, with no
 * processing: produce in sends of 1,000 (acks=all, idempotent), then read everything from the beginning.
 */
export async function kafkaRawBenchmark(
  connection: KafkaConnection,
  client: KafkaClientName,
  count: number,
  recordBytes: number,
  partitions: number,
  runs: number,
): Promise<{ produce: Summary; consume: Summary }> {
  const admin = createKafkaAdmin(connection, 'bench-raw', true);
  await admin.connect();
  const kafka = await createKafkaClient({ kafka: connection, kafkaClient: client }, pino({ level: 'warn' }));
  const value = Buffer.alloc(recordBytes, 120);
  const produceRates: number[] = [];
  const consumeRates: number[] = [];
  try {
    for (let run = 0; run <= runs; run++) {
      const topic = `bench.raw.${randomUUID()}`;
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions }] });
      const producer = await kafka.producer({ clientId: 'bench-raw', lingerMs: 5 });
      const t0 = process.hrtime.bigint();
      const batch = 1000;
      for (let i = 0; i < count; i += batch) {
        await producer.send(
          Array.from({ length: Math.min(batch, count - i) }, (_, j) => ({ topic, key: `k-${i + j}`, value })),
        );
      }
      const produced = Number(process.hrtime.bigint() - t0) / 1e9;
      await producer.disconnect();
      const reader = kafka.tail({ clientId: 'bench-raw', topics: [topic], from: 'earliest' });
      let seen = 0;
      let t1 = 0n;
      let markDone: () => void = () => undefined;
      const done = new Promise<void>((resolve) => {
        markDone = resolve;
      });
      await reader.start((records) => {
        if (t1 === 0n) t1 = process.hrtime.bigint();
        seen += records.length;
        if (seen >= count) markDone();
      });
      await done;
      const consumed = Number(process.hrtime.bigint() - t1) / 1e9;
      await reader.stop();
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
