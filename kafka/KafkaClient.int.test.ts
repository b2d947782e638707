import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKafka, testKafkaClient } from '../test/testKafka.js';
import { createKafkaAdmin, type KafkaAdmin } from './createKafkaAdmin.js';
import { KAFKA_CLIENTS } from './createKafkaClient.js';
import type { KafkaClient, KafkaRecord, RecordBatch } from './KafkaClient.js';

// The port's contract, run against every client behind it on the real local broker.
let admin: KafkaAdmin;

beforeAll(async () => {
  admin = createKafkaAdmin(testKafka, 'port-contract', true);
  await admin.connect();
});

afterAll(async () => {
  await admin.disconnect();
});

async function topic(partitions = 3): Promise<string> {
  const name = `port.${randomUUID()}`;
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: name, numPartitions: partitions }] });
  return name;
}

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Everything committed on `t`, read from the beginning with a fresh tail reader. */
async function readAll(kafka: KafkaClient, t: string, count: number): Promise<KafkaRecord[]> {
  const seen: KafkaRecord[] = [];
  const reader = kafka.tail({ clientId: 'port-read', topics: [t], from: 'earliest' });
  await reader.start((records) => {
    seen.push(...records);
  });
  await until(`${count} records on ${t}`, () => seen.length >= count);
  await sleep(500); // a duplicate would arrive here
  await reader.stop();
  return seen;
}

describe.each(KAFKA_CLIENTS)('Kafka port on %s (real broker)', (name) => {
  let kafka: KafkaClient;

  beforeAll(async () => {
    kafka = await testKafkaClient(name);
  });

  it('produces keyed records with headers; a tail started before sees them on the Java-compatible partition', async () => {
    const t = await topic(12);
    const reader = kafka.tail({ clientId: 'port-tail', topics: [t], from: 'latest' });
    const seen: KafkaRecord[] = [];
    await reader.start((records) => {
      seen.push(...records);
    });
    const producer = await kafka.producer({ clientId: 'port-producer' });
    const receipts = await producer.send([
      { topic: t, key: 'loan-42', value: Buffer.from('a'), headers: { 'parmana-x': 'y' } },
      { topic: t, key: 'loan-42', value: Buffer.from('b') },
    ]);
    await producer.disconnect();
    await until('two records', () => seen.length >= 2);
    await reader.stop();
    // murmur2('loan-42') % 12 = 10, as Kafka's Java client computes it: every adapter must agree.
    expect(seen.map((r) => [r.partition, r.key?.toString(), r.value?.toString()])).toEqual([
      [10, 'loan-42', 'a'],
      [10, 'loan-42', 'b'],
    ]);
    expect(seen[0]?.headers).toEqual({ 'parmana-x': 'y' });
    expect(receipts).toEqual([{ topic: t, partition: 10, offset: '0' }]);
    expect(Number(seen[0]?.timestamp)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('a group consumer hands over batches and resumes after its last commit', async () => {
    const t = await topic(2);
    const producer = await kafka.producer({ clientId: 'port-producer' });
    await producer.send(
      Array.from({ length: 20 }, (_, i) => ({ topic: t, key: `k${i}`, value: Buffer.from(`v${i}`) })),
    );
    const groupId = `port-group-${randomUUID()}`;
    const first: KafkaRecord[] = [];
    const c1 = kafka.groupConsumer({ clientId: 'port-c1', groupId, topics: [t], concurrency: 2 });
    await c1.run(async (batch: RecordBatch) => {
      first.push(...batch.records);
      const last = batch.records.at(-1);
      // Commit only the first half of each partition's records: the rest must come again.
      const keep = batch.records.filter((r) => Number(r.offset) < 5).at(-1);
      if (keep !== undefined && last !== undefined) {
        await c1.commit([{ topic: t, partition: batch.partition, offset: String(Number(keep.offset) + 1) }]);
      }
    });
    await until('all 20 records', () => first.length >= 20);
    await c1.stop();
    const again: KafkaRecord[] = [];
    const c2 = kafka.groupConsumer({ clientId: 'port-c2', groupId, topics: [t] });
    await c2.run((batch) => {
      again.push(...batch.records);
      return Promise.resolve();
    });
    await until('the uncommitted records', () => again.length >= 20 - first.filter((r) => Number(r.offset) < 5).length);
    await sleep(500);
    await c2.stop();
    await producer.disconnect();
    expect(again.every((r) => Number(r.offset) >= 5)).toBe(true);
    expect(again).toHaveLength(first.filter((r) => Number(r.offset) >= 5).length);
  });

  it('a transaction carries outputs and offsets together; a failed handler re-reads from the last commit', async () => {
    const input = await topic(1);
    const output = await topic(1);
    const producer = await kafka.producer({ clientId: 'port-producer' });
    await producer.send(
      Array.from({ length: 6 }, (_, i) => ({ topic: input, key: `k${i}`, value: Buffer.from(`${i}`) })),
    );
    await producer.disconnect();
    const groupId = `port-tx-${randomUUID()}`;
    const consumer = kafka.groupConsumer({ clientId: 'port-tx', groupId, topics: [input], maxBatchRecords: 2 });
    const tx = await kafka.transactionalProducer(consumer, {
      clientId: 'port-tx',
      transactionalId: `port-tx-${randomUUID()}`,
    });
    let failOnce = true;
    const handled: string[] = [];
    await consumer.run(async (batch) => {
      const last = batch.records.at(-1);
      if (last === undefined) return;
      // The second batch fails once before committing: it must be handed over again, the first must not.
      if (Number(last.offset) === 3 && failOnce) {
        failOnce = false;
        throw new Error('handler failed');
      }
      handled.push(...batch.records.map((r) => r.offset));
      await tx.commit(
        batch.records.map((r) => ({ topic: output, key: r.key, value: r.value })),
        [{ topic: input, partition: batch.partition, offset: String(Number(last.offset) + 1) }],
      );
    });
    await until('all six inputs handled', () => handled.length >= 6);
    await consumer.stop();
    await tx.disconnect();
    const out = await readAll(kafka, output, 6);
    expect(out.map((r) => r.value?.toString())).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(handled).toEqual(['0', '1', '2', '3', '4', '5']);
    const committed = await admin.fetchOffsets({ groupId, topics: [input] });
    expect(committed[0]?.partitions[0]?.offset).toBe('6');
  });
});
