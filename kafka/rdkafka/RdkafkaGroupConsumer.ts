import type { KafkaConnection } from '../KafkaConnection.js';
import rdkafka, { type Assignment, type LibrdKafkaError, type Message, type TopicPartition } from 'node-rdkafka';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type {
  BatchHandler,
  GroupConsumer,
  GroupConsumerOptions,
  KafkaRecord,
  PartitionOffset,
} from '../KafkaClient.js';
import { consumeLoop } from './consumeLoop.js';
import { connected } from './RdkafkaProducer.js';
import { toKafkaError } from './toKafkaError.js';
import { baseConfig, wireLogging } from './wireLogging.js';
import { FETCH_WAIT_MS } from '../KafkaClient.js';

const E = rdkafka.CODES.ERRORS;

/** One assigned partition: records fetched but not yet handed over, and where to resume after a failed batch. */
interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  readonly queue: KafkaRecord[];
  queuedBytes: number;
  running: Promise<void> | undefined;
  active: boolean;
  /** Next offset to read if the current work is lost: the last commit, else the first offset delivered. */
  resumeFrom: string | undefined;
  /** When the oldest queued record arrived (linger). */
  firstQueuedAt: number;
}

export function recordOf(m: Message): KafkaRecord {
  const headers: Record<string, string> = {};
  for (const h of m.headers ?? []) for (const [k, v] of Object.entries(h)) headers[k] = v.toString();
  const key = m.key === undefined || m.key === null ? null : typeof m.key === 'string' ? Buffer.from(m.key) : m.key;
  return {
    topic: m.topic,
    partition: m.partition,
    offset: String(m.offset),
    timestamp: String(m.timestamp ?? 0),
    key,
    value: m.value,
    headers,
  };
}

const sizeOf = (r: KafkaRecord): number => (r.value?.length ?? 0) + (r.key?.length ?? 0) + 64;
const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * A librdkafka consumer-group member. librdkafka fetches in its own threads, ahead of the handlers (bounded by
 * queued.max.messages.kbytes) and the consume loop hands records over as they arrive, so a lone record is handled at
 * once and a busy partition gets larger batches. A revoked partition is released only after its running batch has
 * finished, so a commit never races the new owner.
 */
export class RdkafkaGroupConsumer implements GroupConsumer {
  private consumer: rdkafka.KafkaConsumer | undefined;
  private readonly partitions = new Map<string, PartitionState>();
  private handler: BatchHandler | undefined;
  private running = 0;
  private bytesInFlight = 0;
  private paused = false;
  private stopping = false;
  private restarting = false;
  private onReleased: (() => void) | undefined;
  private dispatchScheduled = false;
  private lingerTimer: NodeJS.Timeout | undefined;
  private markJoined: () => void = () => undefined;
  private readonly maxBytes: number;
  private readonly concurrency: number;
  private readonly maxBatch: number;

  constructor(
    private readonly connection: KafkaConnection,
    readonly o: GroupConsumerOptions,
    private readonly log: Logger,
  ) {
    this.maxBytes = o.maxBytesInFlight ?? 8 * 1_048_576;
    this.concurrency = o.concurrency ?? 1;
    this.maxBatch = o.maxBatchRecords ?? 500;
  }

  /** The librdkafka consumer, for the transactional producer's sendOffsetsToTransaction (group metadata). */
  get native(): rdkafka.KafkaConsumer {
    if (this.consumer === undefined) throw toKafkaError(new Error('not running'), 'consumer');
    return this.consumer;
  }

  async run(handler: BatchHandler): Promise<void> {
    this.handler = handler;
    const joined = new Promise<void>((resolve) => {
      this.markJoined = resolve;
    });
    const o = this.o;
    const consumer = new rdkafka.KafkaConsumer(
      {
        ...baseConfig(this.connection, o.clientId),
        'group.id': o.groupId,
        ...(o.groupInstanceId === undefined ? {} : { 'group.instance.id': o.groupInstanceId }),
        'enable.auto.commit': false,
        'enable.auto.offset.store': false,
        'isolation.level': 'read_committed',
        // Range, per topic: each member gets a balanced share of every topic, and the same partition numbers of
        // topics with equal counts (requests and overrides: a command lands where its execution is decided).
        // cooperative-sticky balances the total count instead, and once gave one worker every requests partition and
        // the other every overrides partition. Rebalances are eager, but rare: static members rejoin without one.
        'partition.assignment.strategy': 'range',
        'session.timeout.ms': o.sessionTimeoutMs ?? 10_000,
        // A third of the default session, as Kafka's own defaults: each beat is a broker request, idle or not.
        'heartbeat.interval.ms': o.heartbeatIntervalMs ?? 3_000,
        // Fetches return as soon as data is there; this only bounds an idle long-poll.
        'fetch.wait.max.ms': o.maxWaitMs ?? FETCH_WAIT_MS,
        'fetch.min.bytes': o.minFetchBytes ?? 1,
        // librdkafka's prefetch queue is bounded for the whole consumer, not per partition.
        'queued.max.messages.kbytes': Math.max(64, Math.floor(this.maxBytes / 2 / 1024)),
        'fetch.max.bytes': Math.max(1_048_576, Math.floor(this.maxBytes / 2)),
        'max.partition.fetch.bytes': 1_048_576,
        rebalance_cb: (err: LibrdKafkaError, assignment: Assignment[]) => {
          this.rebalance(err, assignment);
        },
        offset_commit_cb: (err: LibrdKafkaError | null) => {
          this.committed(err);
        },
      },
      { 'auto.offset.reset': (o.fromBeginning ?? true) ? 'earliest' : 'latest' },
    );
    wireLogging(consumer, this.log, `consumer ${o.groupId}`);
    this.consumer = consumer;
    await connected(consumer, 'consumer connect');
    consumer.subscribe([...o.topics]);
    this.startLoop(consumer);
    await joined;
  }

  private startLoop(consumer: rdkafka.KafkaConsumer): void {
    consumeLoop(
      consumer,
      (m) => {
        this.accept(m);
      },
      (err) => {
        if (this.stopping) return;
        this.log.error({ err: err.message, code: err.code }, 'consume loop stopped; reconnecting the consumer');
        void this.restart();
      },
    );
  }

  /** The consume loop ended on an error it cannot continue from: a fresh connection rejoins the group. */
  private async restart(): Promise<void> {
    const old = this.consumer;
    if (this.restarting) return;
    this.restarting = true;
    for (const st of this.partitions.values()) st.active = false;
    await Promise.allSettled(this.runningBatches([...this.partitions.values()]));
    this.partitions.clear();
    for (const w of this.commitWaiters.splice(0)) {
      w.reject(toKafkaError(new Error('consumer reconnecting'), 'offset commit'));
    }
    this.bytesInFlight = 0;
    this.paused = false;
    await new Promise<void>((resolve) => {
      if (old === undefined) resolve();
      else
        old.disconnect(() => {
          resolve();
        });
    });
    this.restarting = false;
    if (this.stopping || this.handler === undefined) return;
    await this.run(this.handler).catch((err: unknown) => {
      this.log.error({ err: (err as Error).message }, 'consumer reconnect failed; retrying in 1 s');
      setTimeout(() => void this.restart(), 1_000).unref();
    });
  }

  private runningBatches(states: readonly PartitionState[]): Promise<void>[] {
    return states.map((st) => st.running).filter((r): r is Promise<void> => r !== undefined);
  }

  private accept(m: Message): void {
    const st = this.partitions.get(tpKey(m.topic, m.partition));
    // Records of a partition already given up (revoked, or rewinding after a failure) are dropped: they come again.
    if (st === undefined || !st.active) return;
    const record = recordOf(m);
    st.resumeFrom ??= record.offset;
    if (st.queue.length === 0) st.firstQueuedAt = Date.now();
    st.queue.push(record);
    const size = sizeOf(record);
    st.queuedBytes += size;
    this.bytesInFlight += size;
    if (this.bytesInFlight > this.maxBytes && !this.paused) this.setPaused(true);
    this.scheduleDispatch();
  }

  private setPaused(paused: boolean): void {
    const consumer = this.consumer;
    if (consumer === undefined) return;
    const tps: TopicPartition[] = [...this.partitions.values()].map((s) => ({
      topic: s.topic,
      partition: s.partition,
    }));
    this.paused = paused;
    try {
      if (paused) consumer.pause(tps);
      else consumer.resume(tps);
    } catch (err) {
      this.log.warn({ err: (err as Error).message, paused }, 'pause/resume failed');
    }
  }

  private scheduleDispatch(): void {
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    // Records that arrive in the same turn of the event loop share a batch.
    setImmediate(() => {
      this.dispatchScheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    const linger = this.o.lingerMs ?? 0;
    const now = Date.now();
    let wakeIn = Infinity;
    for (const st of this.partitions.values()) {
      if (this.running >= this.concurrency) return;
      if (st.running !== undefined || !st.active || st.queue.length === 0) continue;
      const waited = now - st.firstQueuedAt;
      if (linger > 0 && st.queue.length < this.maxBatch && waited < linger && !this.paused) {
        wakeIn = Math.min(wakeIn, linger - waited);
        continue;
      }
      st.running = this.handle(st);
    }
    if (wakeIn !== Infinity && this.lingerTimer === undefined) {
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = undefined;
        this.dispatch();
      }, wakeIn);
    }
  }

  private async handle(st: PartitionState): Promise<void> {
    const handler = this.handler;
    if (handler === undefined) return;
    this.running += 1;
    const records = st.queue.splice(0, this.maxBatch);
    st.firstQueuedAt = Date.now();
    const bytes = records.reduce((n, r) => n + sizeOf(r), 0);
    st.queuedBytes -= bytes;
    try {
      await handler(
        { topic: st.topic, partition: st.partition, records },
        { isActive: () => st.active && !this.stopping, heartbeat: () => Promise.resolve() },
      );
    } catch (err) {
      if (st.active) await this.rewind(st, err);
    } finally {
      this.running -= 1;
      this.bytesInFlight -= bytes;
      st.running = undefined;
      if (this.paused && this.bytesInFlight <= this.maxBytes / 2) this.setPaused(false);
      this.scheduleDispatch();
    }
  }

  /** A failed batch: drop what is queued behind it and read the partition again from its last commit. */
  private async rewind(st: PartitionState, err: unknown): Promise<void> {
    this.bytesInFlight -= st.queuedBytes;
    st.queue.length = 0;
    st.queuedBytes = 0;
    const from = st.resumeFrom;
    this.log.warn(
      { err: (err as Error).message, topic: st.topic, partition: st.partition, resumeFrom: from },
      'batch failed: re-reading the partition from its last commit',
    );
    if (from === undefined || this.consumer === undefined) return;
    st.active = false;
    const sought = await new Promise<boolean>((resolve) => {
      this.consumer?.seek(
        { topic: st.topic, partition: st.partition, offset: Number(from) },
        5_000,
        // node-rdkafka calls back with undefined (not null) on success.
        (seekErr: LibrdKafkaError | null | undefined) => {
          if (seekErr) this.log.warn({ err: seekErr.message, topic: st.topic, partition: st.partition }, 'seek failed');
          resolve(!seekErr);
        },
      );
    });
    // Without the seek the position is past the failed records: only a fresh connection (committed offsets) is safe.
    if (!sought) {
      void this.restart();
      return;
    }
    st.active = this.partitions.get(tpKey(st.topic, st.partition)) === st;
  }

  private rebalance(err: LibrdKafkaError, assignment: Assignment[]): void {
    const consumer = this.consumer;
    if (consumer === undefined) return;
    const cooperative = consumer.rebalanceProtocol() === 'COOPERATIVE';
    if (err.code === E.ERR__ASSIGN_PARTITIONS) {
      for (const tp of assignment) {
        this.partitions.set(tpKey(tp.topic, tp.partition), {
          topic: tp.topic,
          partition: tp.partition,
          queue: [],
          queuedBytes: 0,
          running: undefined,
          active: true,
          resumeFrom: undefined,
          firstQueuedAt: 0,
        });
      }
      try {
        if (cooperative) consumer.incrementalAssign(assignment);
        else consumer.assign(assignment);
      } catch (e) {
        this.log.warn({ err: (e as Error).message }, 'assign failed');
      }
      if (this.paused) this.setPaused(true);
      this.log.info(
        { groupId: this.o.groupId, assigned: assignment.map((a) => `${a.topic}:${a.partition}`).length },
        'partitions assigned',
      );
      this.markJoined();
      return;
    }
    if (err.code === E.ERR__REVOKE_PARTITIONS) {
      const revoked = assignment
        .map((tp) => this.partitions.get(tpKey(tp.topic, tp.partition)))
        .filter((s): s is PartitionState => s !== undefined);
      for (const st of revoked) {
        st.active = false;
        this.bytesInFlight -= st.queuedBytes;
        st.queue.length = 0;
        st.queuedBytes = 0;
      }
      // Let running batches finish (their commits carry this generation), then hand the partitions over.
      void Promise.allSettled(this.runningBatches(revoked)).then(() => {
        for (const st of revoked) this.partitions.delete(tpKey(st.topic, st.partition));
        try {
          if (cooperative) consumer.incrementalUnassign(assignment);
          else consumer.unassign();
        } catch (e) {
          this.log.debug({ err: (e as Error).message }, 'unassign after disconnect');
        }
        this.log.info({ groupId: this.o.groupId, revoked: assignment.length }, 'partitions revoked');
        if (this.partitions.size === 0) this.onReleased?.();
      });
      return;
    }
    this.log.warn({ err: err.message, code: err.code }, 'rebalance error');
  }

  // Commits complete in the order they were requested, each with one callback.
  private readonly commitWaiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];

  private committed(err: LibrdKafkaError | null): void {
    const waiter = this.commitWaiters.shift();
    if (waiter === undefined) return;
    if (err && err.code !== E.ERR__NO_OFFSET) waiter.reject(toKafkaError(err, 'offset commit'));
    else waiter.resolve();
  }

  /** Notes a commit made elsewhere (the transactional producer), for rewinding after a later failure. */
  noteCommitted(offsets: readonly PartitionOffset[]): void {
    for (const o of offsets) {
      const st = this.partitions.get(tpKey(o.topic, o.partition));
      if (st !== undefined) st.resumeFrom = o.offset;
    }
  }

  commit(offsets: readonly PartitionOffset[]): Promise<void> {
    const consumer = this.consumer;
    if (offsets.length === 0 || consumer === undefined) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.commitWaiters.push({
        resolve: () => {
          this.noteCommitted(offsets);
          resolve();
        },
        reject,
      });
      try {
        consumer.commit(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: Number(o.offset) })));
      } catch (err) {
        this.commitWaiters.pop();
        reject(toKafkaError(err, 'offset commit'));
      }
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.lingerTimer);
    for (const st of this.partitions.values()) st.active = false;
    this.log.debug(
      { groupId: this.o.groupId, running: this.running },
      'consumer stopping: waiting for running batches',
    );
    await Promise.allSettled(this.runningBatches([...this.partitions.values()]));
    const consumer = this.consumer;
    if (consumer === undefined) return;
    // Leave the assignment before closing: librdkafka's close would call the rebalance callback from inside
    // node-rdkafka's disconnect, which holds the lock the unassign call needs (a deadlock seen here).
    if (this.partitions.size > 0) {
      const released = new Promise<void>((resolve) => {
        this.onReleased = resolve;
      });
      try {
        consumer.unsubscribe();
        await Promise.race([released, sleep(5_000)]);
      } catch (err) {
        this.log.debug({ err: (err as Error).message }, 'unsubscribe failed');
      }
    }
    this.log.debug({ groupId: this.o.groupId }, 'consumer stopping: disconnecting');
    await new Promise<void>((resolve) => {
      consumer.disconnect(() => {
        resolve();
      });
    });
    this.log.debug({ groupId: this.o.groupId }, 'consumer stopped');
  }
}
