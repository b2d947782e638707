import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { AvroCodec } from '../shared/codec/AvroCodec.js';
import { SchemaRegistryClient } from '../shared/codec/SchemaRegistryClient.js';
import { SEED_1, signerFromSeed, trustRoot } from '../test/fixtures/testTrust.js';
import { sampleAttestationRecord } from '../test/fixtures/sampleAttestation.js';
import type { AttestationRecord } from '../shared/records/AttestationRecord.js';
import { subscribeAttestations, type VerifiedAttestation } from './subscribeAttestations.js';
import { testKafkajs, testKafkaSasl } from '../test/testKafka.js';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const signer = signerFromSeed(SEED_1);
const root = trustRoot(1, [{ signer, purposes: ['attestation-signing'], notAfter: '2099-01-01T00:00:00Z' }]);

const record = (executionId: string): AttestationRecord => sampleAttestationRecord(signer, executionId);

describe('subscribeAttestations (real Kafka and registry)', () => {
  it('delivers only verified attestations and reports the others', async () => {
    const topic = `test.attestations.${randomUUID()}`;
    const kafka = new Kafka({ ...testKafkajs(), clientId: 'subscribe-test', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();
    await new SchemaRegistryClient(registryUrl).register(
      `${topic}-value`,
      JSON.stringify(JSON.parse(readFileSync('schemas/attestation.avsc', 'utf8'))),
    );
    const codec = new AvroCodec(registryUrl);
    const good = record('good-1');
    const tampered = {
      ...record('bad-1'),
      payload: Buffer.from(record('bad-1').payload.toString().replace('approve', 'reject')),
    };
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { key: 'good-1', value: await codec.encode(topic, good) },
        { key: 'bad-1', value: await codec.encode(topic, tampered) },
        { key: 'junk', value: Buffer.from('junk') },
      ],
    });
    await producer.disconnect();

    const delivered: VerifiedAttestation[] = [];
    const invalid: { key: string | null; reasons: string[] }[] = [];
    const sub = await subscribeAttestations({
      brokers,
      sasl: testKafkaSasl(),
      groupId: `subscriber-${randomUUID()}`,
      topic,
      registryUrl,
      trustRoot: root,
      handler: (a) => {
        delivered.push(a);
        return Promise.resolve();
      },
      onInvalid: (p) => {
        invalid.push({ key: p.key, reasons: p.reasons });
        return Promise.resolve();
      },
    });
    for (let i = 0; i < 100 && delivered.length + invalid.length < 3; i++) await sleep(200);
    await sub.stop();
    expect(delivered.map((d) => d.body.executionId)).toEqual(['good-1']);
    expect(invalid).toEqual([
      { key: 'bad-1', reasons: ['ATT-005'] },
      { key: 'junk', reasons: ['REQ-001'] },
    ]);
  });
});
