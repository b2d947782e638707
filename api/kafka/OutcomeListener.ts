import type { Logger } from 'pino';
import type { KafkaClient, KafkaRecord, TailReader } from '../../kafka/KafkaClient.js';
import type { AvroCodec } from '../../shared/codec/AvroCodec.js';
import { envelopeOf } from '../../shared/records/envelopeOf.js';
import type { AttestationRecord } from '../../shared/records/AttestationRecord.js';
import type { OverrideResult } from '../../shared/records/OverrideResult.js';
import type { RejectionRecord } from '../../shared/records/RejectionRecord.js';
import type { Outcome, OverrideOutcome } from '../ports.js';

export interface OutcomeListenerOptions {
  readonly kafka: KafkaClient;
  readonly clientId: string;
  readonly topics: { readonly attestations: string; readonly rejections: string; readonly overrides: string };
  readonly codec: AvroCodec;
  readonly log: Logger;
  /** How many recent outcomes are kept for GET /executions/:id while the audit row is not there (or Postgres is down). */
  readonly recentCapacity?: number;
  readonly onOutcome?: (outcome: Outcome) => void;
  /** Milliseconds from the outcome record's timestamp (set when the worker produced it) to its arrival here. */
  readonly onDelivered?: (ms: number) => void;
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
  private readonly reader: TailReader;
  private readonly waiters = new Map<string, (o: Outcome) => void>();
  private readonly overrideWaiters = new Map<string, (o: OverrideOutcome) => void>();
  private readonly recentOutcomes = new Map<string, Outcome>();
  private readonly capacity: number;
  private assigned = false;

  constructor(private readonly o: OutcomeListenerOptions) {
    this.capacity = o.recentCapacity ?? 10_000;
    this.reader = o.kafka.tail({
      clientId: `${o.clientId}-api-outcomes`,
      topics: [o.topics.attestations, o.topics.rejections, o.topics.overrides],
      from: 'latest',
    });
  }

  get ready(): boolean {
    return this.assigned;
  }

  /** Resolves once every partition is positioned at its end: a request produced after this is seen. */
  async start(): Promise<void> {
    await this.reader.start(async (records) => {
      await this.receive(records);
    });
    this.assigned = true;
  }

  private async receive(records: readonly KafkaRecord[]): Promise<void> {
    const arrived = Date.now();
    for (const record of records) {
      try {
        this.handle(record.topic, await this.o.codec.decode(record.value));
        this.o.onDelivered?.(arrived - Number(record.timestamp));
      } catch (err) {
        // The worker and sinks dead-letter bad records; this reader only observes.
        this.o.log.warn({ err: (err as Error).message, topic: record.topic }, 'undecodable outcome skipped');
      }
    }
  }

  async stop(): Promise<void> {
    this.assigned = false;
    await this.reader.stop();
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
