/**
 * The product's one Kafka port. The worker, the sinks, the API's listeners and the producer SDK talk to Kafka only
 * through these interfaces; the client library behind them (kafkajs or librdkafka through node-rdkafka) is chosen in
 * kafka/createKafkaClient.ts and nowhere else. Records are bytes: Avro encoding stays with the callers.
 */

/** A consumed record. Offsets are int64 strings; `timestamp` is the record's epoch milliseconds as a string. */
export interface KafkaRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** A record to produce. The partition comes from the key (murmur2, as Kafka's Java client: every adapter agrees). */
export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string | Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Where the records of one partition landed: `offset` is the first of them (the batch's base offset). */
export interface DeliveryReceipt {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** The next offset to read on one partition (last processed offset + 1), as Kafka commits it. */
export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** Consecutive records of one partition, in offset order. */
export interface RecordBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly KafkaRecord[];
}

/** Given to a batch handler while it works. */
export interface BatchContext {
  /** False once the partition was revoked or the consumer is stopping: finish nothing, commit nothing. */
  isActive(): boolean;
  /** Keeps the group membership alive during a long wait (a no-op where the client heartbeats by itself). */
  heartbeat(): Promise<void>;
}

/**
 * Handles one batch. Batches of one partition are handed over one at a time, in order; batches of different
 * partitions may run concurrently. A throw makes the consumer re-read the partition from its last committed offset.
 */
export type BatchHandler = (batch: RecordBatch, context: BatchContext) => Promise<void>;

export interface ProducerOptions {
  /** Names the connection in broker logs and metrics. */
  readonly clientId: string;
  /**
   * Milliseconds a record may wait for others to share its request. 0 sends at once (request/reply paths); a few
   * ms lets bulk producers fill larger batches. Default 0.
   */
  readonly lingerMs?: number;
}

/** Idempotent producer with acks=all. */
export interface Producer {
  /** Resolves when every record is acknowledged by all in-sync replicas (one receipt per partition written); rejects
   * with a coded error (KAF-001 retriable, KAF-002 refused) otherwise. */
  send(records: readonly OutgoingRecord[]): Promise<DeliveryReceipt[]>;
  disconnect(): Promise<void>;
}

export interface GroupConsumerOptions {
  readonly clientId: string;
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where a group with no committed offset starts. Default true (the product's groups read everything). */
  readonly fromBeginning?: boolean;
  /** Partitions handled at the same time. Default 1. */
  readonly concurrency?: number;
  /** Records per handed-over batch at most. */
  readonly maxBatchRecords?: number;
  /**
   * Bytes fetched but not yet handled, for the whole consumer: memory is bounded by this, not by partition count.
   */
  readonly maxBytesInFlight?: number;
  /** Static membership: a restarted instance with the same id takes its partitions back without a rebalance. */
  readonly groupInstanceId?: string;
  /** Session timeout: how long a silent member keeps its partitions. */
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** How long a fetch waits on the broker for `minFetchBytes` to accumulate. Default FETCH_WAIT_MS. */
  readonly maxWaitMs?: number;
  /**
   * Bytes a fetch waits for (up to maxWaitMs) before the broker answers. 1 (default) answers as soon as anything
   * is there: latency first. Consumers off the request path (the sinks) ask for more and send far fewer fetches.
   */
  readonly minFetchBytes?: number;
  /**
   * How long a partition's first fetched record may wait for more before its batch is handed over. 0 (default)
   * hands records over at once; consumers off the request path trade a little delay for larger batches.
   */
  readonly lingerMs?: number;
}

/**
 * How long an idle fetch waits on the broker. With fetch.min.bytes 1 the broker answers as soon as data arrives
 * (read_committed too: a transaction's commit marker completes the waiting fetch), so a short wait buys nothing but
 * empty fetches: at 100 ms each idle consumer cost the broker and itself ten round trips a second.
 */
export const FETCH_WAIT_MS = 1_000;

/** A consumer-group member: reads committed data only (read_committed), commits offsets explicitly. */
export interface GroupConsumer {
  /** Starts consuming in the background; resolves once the member has joined the group. */
  run(handler: BatchHandler): Promise<void>;
  /** Commits offsets outside a transaction (after the caller's own effects are durable). */
  commit(offsets: readonly PartitionOffset[]): Promise<void>;
  /** Stops fetching, waits for running handlers, leaves the group. */
  stop(): Promise<void>;
}

export interface TransactionalProducerOptions {
  readonly clientId: string;
  /**
   * Stable per instance so that a restarted instance fences its predecessor's open transaction at once (the
   * predecessor's half-written outputs are aborted instead of blocking read_committed readers until a timeout).
   */
  readonly transactionalId: string;
  /** Broker-side limit of one transaction; an abandoned one is aborted after this. */
  readonly transactionTimeoutMs?: number;
}

/**
 * Consume-transform-produce: each call is one Kafka transaction carrying output records and the consumer's offsets,
 * all or nothing. Calls run one at a time, in call order. A commit from a member that lost the partition (older group
 * generation) is fenced and rejected.
 */
export interface TransactionalProducer {
  commit(records: readonly OutgoingRecord[], offsets: readonly PartitionOffset[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface TailOptions {
  readonly clientId: string;
  readonly topics: readonly string[];
  /** 'latest': only records produced after start() resolved; 'earliest': everything still retained. */
  readonly from: 'latest' | 'earliest';
  /** read_committed (default true). */
  readonly committedOnly?: boolean;
}

/** Reads whole topics without a consumer group and without committing anything (observers, test readers). */
export interface TailReader {
  /** Resolves once every partition is assigned and positioned: a record produced afterwards will be seen. */
  start(onRecords: (records: readonly KafkaRecord[]) => void | Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/** The port itself: one instance per process, created by createKafkaClient. */
export interface KafkaClient {
  /** 'kafkajs' or 'rdkafka', for logs, health and benchmarks. */
  readonly name: KafkaClientName;
  /**
   * How many send() calls of one producer usefully overlap: kafkajs serialises an idempotent producer's requests
   * (1: callers should coalesce records instead), librdkafka pipelines them.
   */
  readonly sendConcurrency: number;
  producer(o: ProducerOptions): Promise<Producer>;
  groupConsumer(o: GroupConsumerOptions): GroupConsumer;
  /** Bound to `consumer`: its offsets are committed in the transaction with the consumer's group metadata. */
  transactionalProducer(consumer: GroupConsumer, o: TransactionalProducerOptions): Promise<TransactionalProducer>;
  tail(o: TailOptions): TailReader;
}

export type KafkaClientName = 'kafkajs' | 'rdkafka';
