import { randomUUID } from 'node:crypto';
import type { AvroCodec } from '../../shared/codec/AvroCodec.js';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import type {
  ExecutionGateway,
  OverrideCommandInput,
  OverrideGateway,
  OverrideOutcome,
  Outcome,
  ValidatedExecuteRequest,
} from '../ports.js';
import type { BatchingSender } from './BatchingSender.js';
import type { OutcomeListener } from './OutcomeListener.js';
import { newTraceparent } from './traceparent.js';

export interface KafkaPipelineOptions {
  readonly sender: BatchingSender;
  readonly listener: OutcomeListener;
  readonly codec: AvroCodec;
  readonly topics: { readonly requests: string; readonly overrides: string };
  readonly now: () => Date;
  /** Receives per-request stage times of /execute: produce (until acknowledged) and the wait for the outcome. */
  readonly timings?: { record(stage: string, ms: number): void };
}

/** Requests and override commands go through Kafka; answers come back through the OutcomeListener. */
export class KafkaPipeline implements ExecutionGateway, OverrideGateway {
  constructor(private readonly o: KafkaPipelineOptions) {}

  async execute(
    request: ValidatedExecuteRequest,
    timeoutMs: number,
    incomingTrace?: string,
  ): Promise<Outcome | 'timeout'> {
    const traceparent = newTraceparent(incomingTrace);
    const value = await this.encode(this.o.topics.requests, {
      executionId: request.executionId,
      policyId: request.policyId,
      policyVersion: request.policyVersion,
      signals: request.signalsJson,
      requestedAt: this.o.now().toISOString(),
      requestedBy: request.requestedBy,
      traceparent,
    });
    // Waiting starts before the record leaves, so even an instant answer is caught.
    const waiting = this.o.listener.waitForOutcome(traceparent, timeoutMs);
    const t0 = performance.now();
    try {
      await this.o.sender.send({ topic: this.o.topics.requests, key: request.executionId, value });
    } catch (cause) {
      waiting.cancel();
      throw new ParmanaError('API-010', { cause, detail: (cause as Error).message });
    }
    const timings = this.o.timings;
    if (timings === undefined) return waiting.promise;
    const t1 = performance.now();
    timings.record('produce (until acked)', t1 - t0);
    const outcome = await waiting.promise;
    timings.record('acked -> outcome received', performance.now() - t1);
    return outcome;
  }

  recent(executionId: string): Outcome | undefined {
    return this.o.listener.recent(executionId);
  }

  async override(command: OverrideCommandInput, timeoutMs: number): Promise<OverrideOutcome | 'timeout'> {
    const commandId = randomUUID();
    const value = await this.encode(this.o.topics.overrides, {
      command: { commandId, ...command, requestedAt: this.o.now().toISOString() },
      result: null,
    });
    const waiting = this.o.listener.waitForOverride(commandId, timeoutMs);
    try {
      await this.o.sender.send({ topic: this.o.topics.overrides, key: command.executionId, value });
    } catch (cause) {
      waiting.cancel();
      throw new ParmanaError('API-010', { cause, detail: (cause as Error).message });
    }
    return waiting.promise;
  }

  private async encode(topic: string, value: object): Promise<Buffer> {
    try {
      return await this.o.codec.encode(topic, value);
    } catch (cause) {
      throw new ParmanaError('API-010', { cause, detail: `schema registry: ${(cause as Error).message}` });
    }
  }
}
