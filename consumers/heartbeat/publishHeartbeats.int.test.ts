import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, Partitioners, type Admin } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeartbeatListener, type Heartbeat } from '../../api/health/HeartbeatListener.js';
import { loadConfig } from '../../ops/config/config.js';
import { ensureTopics } from '../../ops/kafka/ensureTopics.js';
import { topicSpecs, type TopicSpec } from '../../ops/kafka/topicSpecs.js';
import { registerSchemas } from '../../ops/registry/registerSchemas.js';
import { AvroCodec } from '../../shared/codec/AvroCodec.js';
import { publishHeartbeats } from './publishHeartbeats.js';
import type { KafkaClient } from '../../kafka/KafkaClient.js';
import { testKafka, testKafkaClient, testKafkajs } from '../../test/testKafka.js';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const id = randomUUID();
// The product's own spec (compaction settings, schema file) under a random name and so a random subject.
const productSpec = topicSpecs(
  loadConfig(
    { KAFKA_BROKERS: brokers.join(','), SCHEMA_REGISTRY_URL: registryUrl, PARMANA_TOPIC_HEARTBEATS: `test.hb.${id}` },
    'cli',
  ),
).find((s) => s.name === `test.hb.${id}`);
if (productSpec === undefined) throw new Error('no heartbeat topic spec');
const heartbeatSpec: TopicSpec = productSpec;
const source = `test.hb.source.${id}`;
const empty = `test.hb.empty.${id}`;
const groupId = `test-hb-group-${id}`;
const log = pino({ level: 'silent' });
let admin: Admin;
let listener: HeartbeatListener;
let kafka: KafkaClient;

async function waitForBeat(key: string, check: (h: Heartbeat) => boolean, timeoutMs = 45_000): Promise<Heartbeat> {
  const deadline = Date.now() + timeoutMs;
  let last: Heartbeat | undefined;
  while (Date.now() < deadline) {
    last = listener.latest().find((h) => `${h.component}:${h.instanceId}` === key);
    if (last !== undefined && check(last)) return last;
    await sleep(100);
  }
  throw new Error(`no matching heartbeat for ${key}; last seen ${JSON.stringify(last)}`);
}

beforeAll(async () => {
  admin = new Kafka({ ...testKafkajs(), clientId: 'heartbeat-test', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await ensureTopics(admin, [heartbeatSpec, { name: source, partitions: 2 }, { name: empty, partitions: 1 }], 1);
  await registerSchemas(registryUrl, 'schemas', [heartbeatSpec]);

  // A known lag: 6 + 4 records, the group committed offset 2 on partition 0 and nothing on partition 1 -> 4 + 4.
  const producer = new Kafka({ ...testKafkajs(), clientId: 'heartbeat-test', logLevel: logLevel.NOTHING }).producer({
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  await producer.send({
    topic: source,
    acks: -1,
    messages: [
      ...Array.from({ length: 6 }, (_, i) => ({ partition: 0, key: `a${i}`, value: 'x' })),
      ...Array.from({ length: 4 }, (_, i) => ({ partition: 1, key: `b${i}`, value: 'x' })),
    ],
  });
  await producer.disconnect();
  await admin.setOffsets({ groupId, topic: source, partitions: [{ partition: 0, offset: '2' }] });

  kafka = await testKafkaClient();
  listener = new HeartbeatListener({
    kafka,
    clientId: `heartbeat-test-${id}`,
    registryUrl,
    topic: heartbeatSpec.name,
  });
  await listener.start();
});

afterAll(async () => {
  await listener.stop();
  await admin.deleteTopics({ topics: [heartbeatSpec.name, source, empty] }).catch(() => undefined);
  await admin.disconnect();
});

describe('publishHeartbeats -> HeartbeatListener (real Kafka and registry)', () => {
  it('publishes the exact consumer lag and state every interval, then a last "stopped" beat', async () => {
    let tick = 0;
    const state: { status: 'running' | 'paused'; processed: number } = { status: 'running', processed: 0 };
    const running = await publishHeartbeats({
      kafka,
      kafkaConnection: testKafka,
      clientId: `heartbeat-test-${id}`,
      topic: heartbeatSpec.name,
      codec: new AvroCodec(registryUrl),
      component: 'worker',
      instanceId: `w-${id}`,
      lagTargets: [{ groupId, topics: [source, empty] }],
      state: () => state,
      signerKeyId: 'ed25519:test',
      trustRootVersion: 7,
      runtimeVersion: 'parmana-stream@test',
      now: () => new Date(Date.UTC(2026, 0, 1) + 1000 * tick++),
      log,
      intervalMs: 200,
    });
    const key = `worker:w-${id}`;
    const first = await waitForBeat(key, () => true);
    expect(first).toMatchObject({
      component: 'worker',
      instanceId: `w-${id}`,
      intervalMs: 200,
      status: 'running',
      signerKeyId: 'ed25519:test',
      trustRootVersion: 7,
      runtimeVersion: 'parmana-stream@test',
      processed: 0,
    });
    expect(first.lag).toEqual([
      { groupId, topic: source, lag: 8 },
      { groupId, topic: empty, lag: 0 },
    ]);
    expect(first.at).toMatch(/^2026-01-01T00:00:\d\d\.000Z$/);

    // State is read at every beat.
    state.status = 'paused';
    state.processed = 42;
    await waitForBeat(key, (h) => h.status === 'paused' && h.processed === 42);

    // The group catches up on partition 1: the next beats say so.
    await admin.setOffsets({ groupId, topic: source, partitions: [{ partition: 1, offset: '4' }] });
    await waitForBeat(key, (h) => h.lag[0]?.lag === 4);

    await running.stop();
    const last = await waitForBeat(key, (h) => h.status === 'stopped');
    expect(last).toMatchObject({ status: 'stopped', processed: 42 });
    expect(last.lag).toEqual([
      { groupId, topic: source, lag: 4 },
      { groupId, topic: empty, lag: 0 },
    ]);
    // Stopping twice is harmless.
    await running.stop();
  });

  it('keeps beating without lag when lag cannot be computed', async () => {
    const running = await publishHeartbeats({
      kafka,
      kafkaConnection: testKafka,
      clientId: `heartbeat-test-${id}`,
      topic: heartbeatSpec.name,
      codec: new AvroCodec(registryUrl),
      component: 'sinks',
      instanceId: `s-${id}`,
      // An empty group id makes the admin call fail every time.
      lagTargets: [{ groupId: '', topics: [source] }],
      state: () => ({ status: 'running', processed: 5 }),
      now: () => new Date(),
      log,
      intervalMs: 200,
    });
    const beat = await waitForBeat(`sinks:s-${id}`, (h) => h.status === 'running');
    expect(beat).toMatchObject({ lag: [], processed: 5, signerKeyId: null, trustRootVersion: null });
    await running.stop();
    await waitForBeat(`sinks:s-${id}`, (h) => h.status === 'stopped');
    // Both processes are listed, ordered by key.
    expect(listener.latest().map((h) => h.component)).toEqual(['sinks', 'worker']);
  });
});
