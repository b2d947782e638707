import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { Logger } from 'pino';
import type { AvroCodec } from '../../consumers/codec/AvroCodec.js';
import { envelopeOf, type AttestationRecord } from '../../consumers/sinks/decisionsProjection.js';
import type { OverrideResult } from '../../consumers/sinks/overridesProjection.js';
import type { RejectionRecord } from '../../consumers/sinks/rejectionsProjection.js';
import type { Outcome, OverrideOutcome } from '../ports.js';

export interface OutcomeListenerOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly topics: { readonly attestations: string; readonly rejections: string; readonly overrides: string };
  readonly codec: AvroCodec;
  readonly log: Logger;
  /** How many recent outcomes are kept for GET /executions/:id while the audit row is not there (or Postgres is down). */
  readonly recentCapacity?: number;
  readonly onOutcome?: (outcome: Outcome) => void;
}

const OVERRIDE_MESSAGES: Readonly<Record<string, string>> = {
  not_found: 'Nothing is pending for this executionId',
  already_resolved: 'This execution was already resolved',
};

/**
 * Each API instance reads every outcome with its own consumer group (no committed offsets, starting at the end), so
 * whichever worker decides a request, the instance that produced it sees the answer. Callers wait on their own
 * traceparent (or override commandId): two calls with the same executionId never take each other's outcome.
 */
export class OutcomeListener {
  private readonly consumer: Consumer;
  private readonly waiters = new Map<string, (o: Outcome) => void>();
  private readonly overrideWaiters = new Map<string, (o: OverrideOutcome) => void>();
  private readonly recentOutcomes = new Map<string, Outcome>();
  private readonly capacity: number;
  private assigned = false;

  constructor(private readonly o: OutcomeListenerOptions) {
    this.capacity = o.recentCapacity ?? 10_000;
    const kafka = new Kafka({
      brokers: [...o.brokers],
      clientId: `${o.clientId}-api-outcomes`,
      logLevel: logLevel.WARN,
    });
    this.consumer = kafka.consumer({
      groupId: `${o.clientId}-api-${randomBytes(6).toString('hex')}`,
      readUncommitted: false,
      maxWaitTimeInMs: 100,
      sessionTimeout: 30_000,
    });
  }

  get ready(): boolean {
    return this.assigned;
  }

  /** Resolves once partitions are assigned and their end offsets resolved: a request produced after this is seen. */
  async start(): Promise<void> {
    let markReady: () => void = () => undefined;
    const fetched = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    let joined = false;
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      joined = true;
    });
    this.consumer.on(this.consumer.events.FETCH, () => {
      if (joined && !this.assigned) {
        this.assigned = true;
        markReady();
      }
    });
    this.consumer.on(this.consumer.events.CRASH, (e) => {
      this.assigned = false;
      this.o.log.error({ err: e.payload.error.message }, 'outcome listener crashed; kafkajs restarts it');
    });
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [this.o.topics.attestations, this.o.topics.rejections, this.o.topics.overrides],
      fromBeginning: false,
    });
    await this.consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 3,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          try {
            this.handle(batch.topic, await this.o.codec.decode(message.value));
          } catch (err) {
            // The worker and sinks dead-letter bad records; this reader only observes.
            this.o.log.warn({ err: (err as Error).message, topic: batch.topic }, 'undecodable outcome skipped');
          }
        }
      },
    });
    await fetched;
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  waitForOutcome(
    traceparent: string,
    timeoutMs: number,
  ): { promise: Promise<Outcome | 'timeout'>; cancel: () => void } {
    return this.wait(this.waiters, traceparent, timeoutMs);
  }

  waitForOverride(
    commandId: string,
    timeoutMs: number,
  ): { promise: Promise<OverrideOutcome | 'timeout'>; cancel: () => void } {
    return this.wait(this.overrideWaiters, commandId, timeoutMs);
  }

  recent(executionId: string): Outcome | undefined {
    return this.recentOutcomes.get(executionId);
  }

  private wait<T>(
    map: Map<string, (o: T) => void>,
    key: string,
    timeoutMs: number,
  ): { promise: Promise<T | 'timeout'>; cancel: () => void } {
    let timer: NodeJS.Timeout | undefined;
    const promise = new Promise<T | 'timeout'>((resolve) => {
      timer = setTimeout(() => {
        map.delete(key);
        resolve('timeout');
      }, timeoutMs);
      map.set(key, (o) => {
        clearTimeout(timer);
        map.delete(key);
        resolve(o);
      });
    });
    return {
      promise,
      cancel: () => {
        clearTimeout(timer);
        map.delete(key);
      },
    };
  }

  private handle(topic: string, value: unknown): void {
    if (topic === this.o.topics.overrides) {
      const result = (value as { result: OverrideResult | null }).result;
      if (result !== null) this.overrideWaiters.get(result.commandId)?.(toOverrideOutcome(result));
      return;
    }
    let outcome: Outcome;
    let traceparent: string | null;
    if (topic === this.o.topics.attestations) {
      const r = value as AttestationRecord;
      traceparent = r.traceparent;
      outcome = {
        kind: 'decision',
        executionId: r.executionId,
        action: r.action,
        executionState: r.executionState === 'pending_override' ? 'pending_override' : 'completed',
        requiresOverride: r.requiresOverride,
        ruleId: r.ruleId,
        envelope: envelopeOf(r),
      };
    } else {
      const r = value as RejectionRecord;
      traceparent = r.traceparent;
      outcome = {
        kind: 'rejection',
        executionId: r.executionId,
        code: r.code,
        message: r.message,
        path: r.path,
        envelope: envelopeOf(r),
      };
    }
    this.remember(outcome);
    this.o.onOutcome?.(outcome);
    if (traceparent !== null) this.waiters.get(traceparent)?.(outcome);
  }

  /** A decision is the execution's outcome; a later replay rejection of the same id must not hide it. */
  private remember(outcome: Outcome): void {
    const known = this.recentOutcomes.get(outcome.executionId);
    if (known?.kind === 'decision' && outcome.kind === 'rejection') return;
    this.recentOutcomes.delete(outcome.executionId);
    this.recentOutcomes.set(outcome.executionId, outcome);
    if (this.recentOutcomes.size > this.capacity) {
      const oldest = this.recentOutcomes.keys().next();
      if (oldest.done !== true) this.recentOutcomes.delete(oldest.value);
    }
  }
}

function toOverrideOutcome(r: OverrideResult): OverrideOutcome {
  if (r.status === 'approved' || r.status === 'rejected') {
    if (r.payloadType !== null && r.payload !== null && r.signature !== null && r.signerKeyId !== null) {
      return {
        status: r.status,
        executionId: r.executionId,
        approvedBy: r.approvedBy,
        decidedAt: r.decidedAt,
        envelope: envelopeOf({
          payloadType: r.payloadType,
          payload: r.payload,
          signature: r.signature,
          signerKeyId: r.signerKeyId,
        }),
      };
    }
  }
  const status = r.status === 'not_found' || r.status === 'already_resolved' ? r.status : 'invalid';
  return {
    status,
    code: r.code ?? 'INV-019',
    message: OVERRIDE_MESSAGES[r.status] ?? `override ${r.status}`,
  };
}
