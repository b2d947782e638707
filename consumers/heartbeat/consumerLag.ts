import type { KafkaAdmin as Admin } from '../../kafka/createKafkaAdmin.js';
import type { ConsumerLag } from '../../shared/heartbeat/Heartbeat.js';

/** A consumer group and the topics whose lag it reports. */
export interface LagTarget {
  readonly groupId: string;
  readonly topics: readonly string[];
}

export interface PartitionWatermarks {
  readonly partition: number;
  readonly high: string;
  readonly low: string;
}

export interface CommittedOffset {
  readonly partition: number;
  /** "-1" when the group never committed on this partition. */
  readonly offset: string;
}

/**
 * Records the group has still to read on one topic: per partition, high watermark minus committed offset. No commit
 * (or one below the log start, after retention) counts from the log start, as the product's groups read from the
 * beginning. Offsets are int64 strings, hence bigint.
 */
export function topicLag(committed: readonly CommittedOffset[], watermarks: readonly PartitionWatermarks[]): number {
  const byPartition = new Map(committed.map((c) => [c.partition, BigInt(c.offset)]));
  let total = 0n;
  for (const w of watermarks) {
    const high = BigInt(w.high);
    const low = BigInt(w.low);
    const at = byPartition.get(w.partition) ?? -1n;
    const from = at < low ? low : at;
    if (high > from) total += high - from;
  }
  return Number(total);
}

/** Lag of every group on each of its topics, one entry per group and topic. Throws on any admin failure. */
export async function fetchConsumerLag(admin: Admin, targets: readonly LagTarget[]): Promise<ConsumerLag[]> {
  // Groups may share topics (not today, but cheap to allow): watermarks are fetched once per topic and call.
  const watermarks = new Map<string, Promise<PartitionWatermarks[]>>();
  const watermarksOf = (topic: string): Promise<PartitionWatermarks[]> => {
    let found = watermarks.get(topic);
    if (found === undefined) {
      found = admin.fetchTopicOffsets(topic);
      watermarks.set(topic, found);
    }
    return found;
  };
  const out: ConsumerLag[] = [];
  for (const target of targets) {
    if (target.topics.length === 0) continue;
    const committed = await admin.fetchOffsets({ groupId: target.groupId, topics: [...target.topics] });
    for (const topic of target.topics) {
      const partitions = committed.find((c) => c.topic === topic)?.partitions ?? [];
      out.push({ groupId: target.groupId, topic, lag: topicLag(partitions, await watermarksOf(topic)) });
    }
  }
  return out;
}
