import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import rdkafka, { type LibrdKafkaError } from 'node-rdkafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaAdmin, type KafkaAdmin } from '../../kafka/createKafkaAdmin.js';
import type { KafkaClientName } from '../../kafka/KafkaClient.js';
import { rdkafkaConnectionConfig, type KafkaSasl } from '../../kafka/KafkaConnection.js';
import { aclSpecs } from '../../ops/kafka/aclSpecs.js';
import { ensureAcls } from '../../ops/kafka/ensureAcls.js';
import { ensureTopics } from '../../ops/kafka/ensureTopics.js';
import { credentialsDir } from '../../ops/credentials/ensureCredentials.js';
import { readCredentials } from '../../shared/credentials/Credentials.js';
import { testBrokers, testKafka, testKafkaClient, testKafkaSasl } from '../testKafka.js';

// The stack's brokers require SASL/SCRAM and deny what no ACL allows (ops/kafka/aclSpecs.ts). Each refusal here is
// the broker's, on the real cluster, through both clients of the Kafka port.
const id = randomBytes(5).toString('hex');
const config = {
  clientId: `acl-${id}`,
  topicRequests: `acl.${id}.requests`,
  topicAttestations: `acl.${id}.attestations`,
  topicRejections: `acl.${id}.rejections`,
  topicOverrides: `acl.${id}.overrides`,
  topicSecurityEvents: `acl.${id}.security-events`,
  topicVerifications: `acl.${id}.verifications`,
  topicApiCalls: `acl.${id}.api-calls`,
  topicDeadLetter: `acl.${id}.dead-letter`,
  topicHeartbeats: `acl.${id}.heartbeats`,
  topicLogCheckpoints: `acl.${id}.log-checkpoints`,
};

function principal(name: string): KafkaSasl {
  const sasl = testKafkaSasl(name);
  if (sasl === undefined) throw new Error(`PARMANA_${name}_KAFKA_CREDENTIALS is not set: the stack must run with SASL`);
  return sasl;
}

const api = principal('API');
const producerSdk = principal('PRODUCER');
const subscriber = readCredentials(join(credentialsDir(process.cwd()), 'kafka-subscriber.json'));
let admin: KafkaAdmin;

beforeAll(async () => {
  admin = createKafkaAdmin(testKafka, `acl-${id}-admin`, true);
  await admin.connect();
  await ensureTopics(
    admin,
    Object.entries(config)
      .filter(([k]) => k.startsWith('topic'))
      .map(([, name]) => ({ name, partitions: 1 })),
    1,
  );
  await ensureAcls(
    admin,
    aclSpecs(config, {
      worker: principal('WORKER').username,
      api: api.username,
      sinks: principal('SINKS').username,
      logWriter: principal('LOG_WRITER').username,
      logMonitor: principal('LOG_MONITOR').username,
      producer: producerSdk.username,
      subscriber: subscriber.username,
    }),
  );
});

afterAll(async () => {
  await admin.deleteTopics({
    topics: Object.entries(config)
      .filter(([k]) => k.startsWith('topic'))
      .map(([, n]) => n),
  });
  await admin.disconnect();
});

async function endOffset(topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

/** Sends one record as `sasl` through the port; resolves to the coded failure, or 'sent'. */
async function produceAs(client: KafkaClientName, sasl: KafkaSasl | undefined, topic: string): Promise<string> {
  let producer;
  try {
    const kafka = await testKafkaClient(client, { brokers: testBrokers, sasl });
    producer = await kafka.producer({ clientId: `${config.clientId}-probe` });
    await producer.send([{ topic, key: 'forged', value: Buffer.from('forged') }]);
    return 'sent';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  } finally {
    await producer?.disconnect();
  }
}

/**
 * Subscribes as `sasl` in group `group` (node-rdkafka, whose errors carry the broker's codes) and waits for the first
 * record, or the refusal: 'read <value>', 'code <broker error code>', or the connect failure's code.
 */
async function consumeAs(sasl: KafkaSasl | undefined, topic: string, group: string): Promise<string> {
  const consumer = new rdkafka.KafkaConsumer(
    { ...rdkafkaConnectionConfig({ brokers: testBrokers, sasl }), 'group.id': group, 'enable.auto.commit': false },
    { 'auto.offset.reset': 'earliest' },
  );
  try {
    return await new Promise<string>((resolve) => {
      const timer = setTimeout(() => {
        resolve('timeout');
      }, 30_000);
      const done = (what: string): void => {
        clearTimeout(timer);
        resolve(what);
      };
      // node-rdkafka's typings say the error is always there; it is null on success.
      consumer.connect({ timeout: 10_000 }, (err) => {
        const failed = err as LibrdKafkaError | null;
        if (failed !== null) {
          done(`connect ${failed.code}`);
          return;
        }
        consumer.subscribe([topic]);
        const next = (): void => {
          consumer.consume(1, (e, messages) => {
            const failure = e as LibrdKafkaError | null;
            if (failure !== null) done(`code ${failure.code}`);
            else if (messages[0] !== undefined) done(`read ${messages[0].value?.toString() ?? ''}`);
            else setTimeout(next, 50);
          });
        };
        next();
      });
    });
  } finally {
    await new Promise((resolve) => consumer.disconnect(resolve));
  }
}

const E = rdkafka.CODES.ERRORS;

describe.each(['rdkafka', 'kafkajs'] as const)('Kafka authentication and ACLs through %s', (client) => {
  it('a client without credentials cannot connect to produce (the SASL listener drops it: KAF-001)', async () => {
    const before = await endOffset(config.topicRequests);
    expect(await produceAs(client, undefined, config.topicRequests)).toBe('KAF-001');
    expect(await endOffset(config.topicRequests)).toBe(before);
  });

  it('a wrong password is refused (KAF-005, not retriable)', async () => {
    const before = await endOffset(config.topicRequests);
    const wrong = { username: producerSdk.username, password: `${producerSdk.password}x` };
    expect(await produceAs(client, wrong, config.topicRequests)).toBe('KAF-005');
    expect(await endOffset(config.topicRequests)).toBe(before);
  });

  it("the API's and the producer SDK's principals cannot produce to the attestation topic (KAF-006)", async () => {
    const before = await endOffset(config.topicAttestations);
    expect(await produceAs(client, api, config.topicAttestations)).toBe('KAF-006');
    expect(await produceAs(client, producerSdk, config.topicAttestations)).toBe('KAF-006');
    expect(await endOffset(config.topicAttestations)).toBe(before);
  });

  it("the subscriber's principal cannot produce anywhere (KAF-006), the producer SDK's may write requests", async () => {
    for (const topic of [config.topicAttestations, config.topicRequests, config.topicOverrides]) {
      expect(await produceAs(client, subscriber, topic)).toBe('KAF-006');
    }
    const before = await endOffset(config.topicRequests);
    expect(await produceAs(client, producerSdk, config.topicRequests)).toBe('sent');
    expect(await endOffset(config.topicRequests)).toBe(before + 1);
  });
});

describe('Kafka consumption is authorized per principal and group', () => {
  beforeAll(async () => {
    const p = await (await testKafkaClient()).producer({ clientId: `${config.clientId}-seed` });
    await p.send([{ topic: config.topicAttestations, key: 'a', value: Buffer.from('attestation') }]);
    await p.disconnect();
  });

  it('the subscriber reads attestations in its own group prefix', async () => {
    const group = `${config.clientId}-subscriber-1`;
    expect(await consumeAs(subscriber, config.topicAttestations, group)).toBe('read attestation');
  });

  it('the subscriber may not join another group, nor read requests', async () => {
    const worker = `${config.clientId}-worker`;
    expect(await consumeAs(subscriber, config.topicAttestations, worker)).toBe(
      `code ${E.ERR_GROUP_AUTHORIZATION_FAILED}`,
    );
    const own = `${config.clientId}-subscriber-2`;
    expect(await consumeAs(subscriber, config.topicRequests, own)).toBe(`code ${E.ERR_TOPIC_AUTHORIZATION_FAILED}`);
  });

  it("the producer SDK's principal cannot read the requests it writes", async () => {
    const group = `${config.clientId}-subscriber-3`;
    expect(await consumeAs(producerSdk, config.topicRequests, group)).toBe(`code ${E.ERR_GROUP_AUTHORIZATION_FAILED}`);
  });

  it('without credentials or with a wrong password nothing is read', async () => {
    const group = `${config.clientId}-subscriber-4`;
    expect(await consumeAs(undefined, config.topicAttestations, group)).toMatch(/^connect /);
    const wrong = { username: subscriber.username, password: 'wrong' };
    expect(await consumeAs(wrong, config.topicAttestations, group)).toMatch(/^connect /);
  });
});

describe('stack kafka-password', () => {
  it('gives a principal a new password: the old one is refused at once, the new one works (and is in its file)', async () => {
    const file = join(credentialsDir(process.cwd()), 'kafka-subscriber.json');
    const old = readCredentials(file);
    const r = spawnSync(process.execPath, ['bin/parmana.js', 'stack', 'kafka-password', 'subscriber'], {
      encoding: 'utf8',
      env: process.env,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('parmana-subscriber has a new password');
    // The output names the file, never the password.
    const fresh = readCredentials(file);
    expect(fresh.password).not.toBe(old.password);
    expect(`${r.stdout}${r.stderr}`).not.toContain(fresh.password);
    const group = `${config.clientId}-subscriber-rotated`;
    expect(await consumeAs(old, config.topicAttestations, group)).toMatch(/^connect /);
    expect(await consumeAs(fresh, config.topicAttestations, group)).toBe('read attestation');
  });
});
