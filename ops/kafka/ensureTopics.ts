import type { KafkaAdmin as Admin } from '../../kafka/createKafkaAdmin.js';
import type { TopicSpec } from './topicSpecs.js';

/** How topics are replicated: 0 means "choose from the cluster size" (see replicationFor). */
export interface Replication {
  readonly factor: number;
  /** min.insync.replicas set on created topics (with acks=all, a write needs this many replicas). */
  readonly minInsync: number;
}

/** 3 replicas with 2 in sync on a cluster of 3 or more brokers, else every broker there is, without a min ISR. */
export function replicationFor(configured: number, brokers: number): Replication {
  const factor = configured > 0 ? configured : brokers >= 3 ? 3 : Math.max(1, brokers);
  return { factor, minInsync: factor >= 3 ? 2 : 1 };
}

/** Creates missing topics with their partition counts; grows an existing topic that has fewer. Idempotent. */
export async function ensureTopics(
  admin: Admin,
  specs: readonly TopicSpec[],
  replication: Replication | number,
): Promise<string[]> {
  const r = typeof replication === 'number' ? replicationFor(replication, replication) : replication;
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.name));
  const report: string[] = [];
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.name,
        numPartitions: s.partitions,
        replicationFactor: r.factor,
        configEntries: [
          ...(r.minInsync > 1 ? [{ name: 'min.insync.replicas', value: String(r.minInsync) }] : []),
          ...(s.configEntries ?? []),
        ],
      })),
    });
    for (const s of missing) {
      report.push(`created ${s.name} (${s.partitions} partitions, replication ${r.factor}, min ISR ${r.minInsync})`);
    }
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
