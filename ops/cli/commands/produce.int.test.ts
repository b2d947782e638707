import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { AvroCodec } from '../../../shared/codec/AvroCodec.js';
import { SchemaRegistryClient } from '../../../shared/codec/SchemaRegistryClient.js';
import { ensureAcls } from '../../kafka/ensureAcls.js';
import { testKafkajs, testKafkaSasl } from '../../../test/testKafka.js';

// The real binary (`npm test` builds dist/ first) against the real Kafka and registry, on a random topic.
const BIN = fileURLToPath(new URL('../../../bin/parmana.js', import.meta.url));
const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';

describe('parmana produce (real Kafka and registry)', () => {
  it('sends the valid lines, reports the refused ones and exits 1', async () => {
    const topic = `test.cli.requests.${randomUUID()}`;
    const kafka = new Kafka({ ...testKafkajs(), clientId: 'produce-cli-test', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 12 }] });
    // `parmana produce` logs in as the producer SDK's principal, which may write this topic only once allowed.
    const producer = testKafkaSasl('PRODUCER');
    if (producer !== undefined) {
      await ensureAcls(admin, [
        { principal: producer.username, resource: 'topic', name: topic, pattern: 'literal', operation: 'write' },
      ]);
    }
    await admin.disconnect();
    await new SchemaRegistryClient(registryUrl).register(
      `${topic}-value`,
      JSON.stringify(JSON.parse(readFileSync('schemas/execution-request.avsc', 'utf8'))),
    );

    const dir = mkdtempSync(join(tmpdir(), 'parmana-produce-'));
    const req = (executionId: string) => ({
      executionId,
      policyId: 'loan-approval',
      policyVersion: '1.0.0',
      signals: { amount: 5 },
    });
    writeFileSync(
      join(dir, 'requests.jsonl'),
      [JSON.stringify(req('cli-1')), JSON.stringify({ ...req('cli-x'), policyId: 'Bad' }), JSON.stringify(req('cli-2'))]
        .join('\n')
        .concat('\n'),
    );
    const r = spawnSync(process.execPath, [BIN, 'produce', '--file', 'requests.jsonl'], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        KAFKA_BROKERS: brokers,
        SCHEMA_REGISTRY_URL: registryUrl,
        PARMANA_TOPIC_REQUESTS: topic,
        ...(producer === undefined
          ? {}
          : { PARMANA_PRODUCER_KAFKA_CREDENTIALS: resolve(process.env.PARMANA_PRODUCER_KAFKA_CREDENTIALS ?? '') }),
      },
    });
    expect(r.stderr).toMatch(/^line 2: REQ-005 /m);
    expect(r.stdout).toContain(`produced 2 request(s) to ${topic}; refused 1`);
    expect(r.status).toBe(1);

    const codec = new AvroCodec(registryUrl);
    const consumer = kafka.consumer({ groupId: `produce-cli-${randomUUID()}` });
    const seen = new Map<string, unknown>();
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.set(message.key?.toString() ?? '', await codec.decode(message.value));
      },
    });
    for (let i = 0; i < 150 && seen.size < 2; i++) await sleep(200);
    await consumer.disconnect();
    expect([...seen.keys()].sort()).toEqual(['cli-1', 'cli-2']);
    expect(seen.get('cli-1')).toMatchObject({ executionId: 'cli-1', signals: '{"amount":5}' });
  });
});
