import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isParmanaError } from '../../core/errors/ParmanaError.js';
import { AvroCodec } from '../../shared/codec/AvroCodec.js';
import { deadLetterMessage } from './deadLetterMessage.js';
import { testKafkajs } from '../../test/testKafka.js';

const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';

interface Read {
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  partition: number;
  offset: string;
}

async function readAll(kafka: Kafka, topic: string, count: number): Promise<Read[]> {
  const consumer = kafka.consumer({ groupId: `dlq-test-${randomUUID()}` });
  const seen: Read[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: ({ partition, message }) => {
      seen.push({
        key: message.key,
        value: message.value,
        headers: message.headers ?? {},
        partition,
        offset: message.offset,
      });
      return Promise.resolve();
    },
  });
  for (let i = 0; i < 150 && seen.length < count; i++) await sleep(200);
  await consumer.disconnect();
  return seen;
}

describe('dead-letter message (real Kafka and registry)', () => {
  it('moves undecodable records to the dead-letter topic with their bytes verbatim and the reason in headers', async () => {
    const id = randomUUID();
    const source = `test.source.${id}`;
    const dlq = `test.dlq.${id}`;
    const kafka = new Kafka({ ...testKafkajs(), clientId: 'dlq-test', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: source, numPartitions: 1 },
        { topic: dlq, numPartitions: 1 },
      ],
    });
    await admin.disconnect();

    const garbage = [
      { key: Buffer.from('k-1'), value: Buffer.from([0xde, 0xad, 0xbe, 0xef]) },
      { key: Buffer.from([0xff, 0xfe]), value: Buffer.from([0x00, 0x7f, 0xff, 0xff, 0xff, 0x02, 0x41]) },
    ];
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: source, messages: garbage });

    const codec = new AvroCodec(registryUrl);
    const read = await readAll(kafka, source, garbage.length);
    const dead = [];
    for (const r of read) {
      const err: unknown = await codec.decode(r.value).catch((e: unknown) => e);
      if (!isParmanaError(err)) throw new Error(`expected a coded decode failure, got ${String(err)}`);
      dead.push(deadLetterMessage({ topic: source, ...r }, err));
    }
    await producer.send({ topic: dlq, acks: -1, messages: dead.map((m) => ({ ...m, headers: { ...m.headers } })) });
    await producer.disconnect();

    const out = await readAll(kafka, dlq, garbage.length);
    expect(out).toHaveLength(garbage.length);
    out.forEach((m, i) => {
      const original = garbage[i];
      expect(m.key?.equals(original?.key ?? Buffer.alloc(0))).toBe(true);
      expect(m.value?.equals(original?.value ?? Buffer.alloc(0))).toBe(true);
      const h = Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, String(v)]));
      expect(h).toMatchObject({
        'parmana-dlq-reason': 'REQ-001',
        'parmana-dlq-source-topic': source,
        'parmana-dlq-source-partition': '0',
        'parmana-dlq-source-offset': String(i),
      });
      expect(h['parmana-dlq-detail']).toMatch(/^REQ-001 /);
    });
  });
});
