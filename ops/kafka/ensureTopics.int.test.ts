import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTopics } from './ensureTopics.js';
import type { TopicSpec } from './topicSpecs.js';
import { testKafkajs } from '../../test/testKafka.js';

let admin: Admin;

beforeAll(async () => {
  admin = new Kafka({ ...testKafkajs(), clientId: 'ensure-topics-test', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
});

afterAll(async () => {
  await admin.disconnect();
});

async function partitionCounts(names: string[]): Promise<number[]> {
  const meta = await admin.fetchTopicMetadata({ topics: names });
  return names.map((n) => meta.topics.find((t) => t.name === n)?.partitions.length ?? -1);
}

describe('ensureTopics (real Kafka)', () => {
  it('creates missing topics with their partitions and config, and is idempotent', async () => {
    const id = randomUUID();
    const specs: TopicSpec[] = [
      { name: `test.requests.${id}`, partitions: 12, schemaFile: 'execution-request.avsc' },
      { name: `test.audit.${id}`, partitions: 3 },
      {
        name: `test.dlq.${id}`,
        partitions: 2,
        configEntries: [{ name: 'retention.ms', value: String(30 * 86_400_000) }],
      },
    ];
    const first = await ensureTopics(admin, specs, 1);
    expect(first).toEqual(specs.map((s) => `created ${s.name} (${s.partitions} partitions, replication 1, min ISR 1)`));
    expect(await partitionCounts(specs.map((s) => s.name))).toEqual([12, 3, 2]);

    const second = await ensureTopics(admin, specs, 1);
    expect(second).toEqual(specs.map((s) => `ok ${s.name} (${s.partitions} partitions)`));
    expect(await partitionCounts(specs.map((s) => s.name))).toEqual([12, 3, 2]);

    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: `test.dlq.${id}`, configNames: ['retention.ms'] }],
    });
    expect(configs.resources[0]?.configEntries.find((e) => e.configName === 'retention.ms')?.configValue).toBe(
      String(30 * 86_400_000),
    );
  });

  it('grows an existing topic that has too few partitions and never shrinks one', async () => {
    const name = `test.grow.${randomUUID()}`;
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: name, numPartitions: 4 }] });
    expect(await ensureTopics(admin, [{ name, partitions: 12 }], 1)).toEqual([`grew ${name} from 4 to 12 partitions`]);
    expect(await partitionCounts([name])).toEqual([12]);
    expect(await ensureTopics(admin, [{ name, partitions: 6 }], 1)).toEqual([`ok ${name} (12 partitions)`]);
    expect(await partitionCounts([name])).toEqual([12]);
  });
});
