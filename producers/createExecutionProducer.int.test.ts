import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroCodec } from '../shared/codec/AvroCodec.js';
import { SchemaRegistryClient } from '../shared/codec/SchemaRegistryClient.js';
import { createExecutionProducer, type ExecutionProducer } from './createExecutionProducer.js';
import { testKafkajs, testKafkaSasl } from '../test/testKafka.js';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const topic = `test.requests.${randomUUID()}`;
const kafka = new Kafka({ ...testKafkajs(), clientId: 'producer-test', logLevel: logLevel.NOTHING });
let producer: ExecutionProducer;

beforeAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 12 }] });
  await admin.disconnect();
  await new SchemaRegistryClient(registryUrl).register(
    `${topic}-value`,
    JSON.stringify(JSON.parse(readFileSync('schemas/execution-request.avsc', 'utf8'))),
  );
  producer = createExecutionProducer({
    brokers,
    sasl: testKafkaSasl(),
    clientId: 'producer-test',
    registryUrl,
    topic,
    maxRequestBytes: 2048,
    now: () => new Date('2026-05-06T07:08:09.000Z'),
  });
  await producer.connect();
});

afterAll(async () => {
  await producer.disconnect();
});

describe('execution producer SDK (real Kafka and registry)', () => {
  it('produces acknowledged, Avro-encoded requests keyed by executionId', async () => {
    const receipt = await producer.submit({
      executionId: 'p-1',
      policyId: 'loan-approval',
      policyVersion: '1.0.0',
      signals: { b: 2, a: 'é' },
    });
    expect(receipt.executionId).toBe('p-1');
    expect(receipt.partition).toBeGreaterThanOrEqual(0);
    const batch = await producer.submitBatch([
      {
        executionId: 'p-2',
        policyId: 'refund-approval',
        policyVersion: '1.0.0',
        signals: {},
        requestedAt: '2026-01-01T00:00:00Z',
      },
      { executionId: 'p-3', policyId: 'refund-approval', policyVersion: '1.0.0', signals: {} },
    ]);
    expect(batch.count).toBe(2);

    const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}` });
    const seen = new Map<string, Record<string, unknown>>();
    const codec = new AvroCodec(registryUrl);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.set(message.key?.toString() ?? '', (await codec.decode(message.value)) as Record<string, unknown>);
      },
    });
    for (let i = 0; i < 100 && seen.size < 3; i++) await sleep(200);
    await consumer.disconnect();
    expect(seen.get('p-1')).toMatchObject({
      executionId: 'p-1',
      signals: '{"a":"é","b":2}',
      requestedAt: '2026-05-06T07:08:09.000Z',
      requestedBy: null,
    });
    expect(seen.get('p-2')).toMatchObject({ requestedAt: '2026-01-01T00:00:00Z' });
    expect(seen.size).toBe(3);
  });

  it('refuses invalid and oversized requests before anything is sent', async () => {
    await expect(
      producer.submit({ executionId: '', policyId: 'x', policyVersion: '1.0.0', signals: {} }),
    ).rejects.toMatchObject({ code: 'REQ-002' });
    await expect(
      producer.submit({
        executionId: 'big',
        policyId: 'x',
        policyVersion: '1.0.0',
        signals: { blob: 'x'.repeat(4096) },
      }),
    ).rejects.toMatchObject({
      code: 'REQ-008',
    });
    await expect(
      producer.submitBatch([
        { executionId: 'ok', policyId: 'x', policyVersion: '1.0.0', signals: {} },
        { executionId: 'bad', policyId: 'x', policyVersion: 'one', signals: {} },
      ]),
    ).rejects.toMatchObject({ code: 'REQ-006', path: '[1].policyVersion' });
  });
});
