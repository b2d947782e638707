import type { KafkaAdmin as Admin } from '../../kafka/createKafkaAdmin.js';
import type { TopicSpec } from './topicSpecs.js';

/** Creates missing topics with their partition counts; grows an existing topic that has fewer. Idempotent. */
export async function ensureTopics(
  admin: Admin,
  specs: readonly TopicSpec[],
  replicationFactor: number,
): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.name));
  const report: string[] = [];
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.name,
        numPartitions: s.partitions,
        replicationFactor,
        ...(s.configEntries === undefined ? {} : { configEntries: [...s.configEntries] }),
      })),
    });
    for (const s of missing) report.push(`created ${s.name} (${s.partitions} partitions)`);
  }
  const present = specs.filter((s) => existing.has(s.name));
  if (present.length > 0) {
    const meta = await admin.fetchTopicMetadata({ topics: present.map((s) => s.name) });
    for (const s of present) {
      const have = meta.topics.find((t) => t.name === s.name)?.partitions.length ?? 0;
      if (have < s.partitions) {
        await admin.createPartitions({ topicPartitions: [{ topic: s.name, count: s.partitions }] });
        report.push(`grew ${s.name} from ${have} to ${s.partitions} partitions`);
      } else report.push(`ok ${s.name} (${have} partitions)`);
    }
  }
  return report;
}
