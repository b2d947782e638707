import { parseJsonStrict } from '../../core/canonical/parseJsonStrict.js';
import { isParmanaError, ParmanaError } from '../../core/errors/ParmanaError.js';
import { sha256Hex } from '../../core/hash/sha256.js';
import type { ReserveItem, ReserveResult } from '../replay/RedisReplayStore.js';
import type { LedgerVerdict, ReplayLedger } from '../replay/ReplayLedger.js';
import type { Decision, PolicyResolver, ResolvedPolicy } from './ports.js';
import {
  recordTimeIso,
  sourceOf,
  type ExecutionRequestRecord,
  type InboundRecord,
  type OutboundMessage,
} from './records.js';
import type { OutcomeSigner } from './OutcomeSigner.js';
import { deadLetterMessage } from '../deadLetter/deadLetterMessage.js';

/** The replay store operations the decider needs, each one pipelined round trip per batch. */
export interface ReplayBatchStore {
  reserveBatch(items: readonly ReserveItem[]): Promise<ReserveResult[]>;
  completeBatch(
    items: readonly {
      executionId: string;
      source: string;
      finalState: 'CONFIRMED' | 'PENDING_OVERRIDE';
      data: string;
    }[],
  ): Promise<string[]>;
  failBatch(items: readonly { executionId: string; source: string }[]): Promise<void>;
}

export interface DeciderTopics {
  readonly attestations: string;
  readonly rejections: string;
  readonly securityEvents: string;
  readonly deadLetter: string;
}

/** One consumed record, decoded (or the reason it could not be). */
export type DecodedRecord =
  | { readonly source: InboundRecord; readonly request: ExecutionRequestRecord }
  | { readonly source: InboundRecord; readonly decodeError: ParmanaError };

interface Ready {
  readonly kind: 'ready';
  readonly record: InboundRecord;
  readonly request: ExecutionRequestRecord;
  readonly policy: ResolvedPolicy;
  readonly signals: Record<string, unknown>;
  readonly fingerprint: string;
}

type Prepared =
  | Ready
  | { readonly kind: 'dead'; readonly record: InboundRecord; readonly error: ParmanaError }
  | {
      readonly kind: 'rejected';
      readonly record: InboundRecord;
      readonly request: ExecutionRequestRecord;
      readonly error: ParmanaError;
      readonly invalidPolicy: boolean;
    };

/** What the decider does with a ready request once Redis (and the ledger) answered. */
type Plan =
  | { readonly kind: 'sign'; readonly decision: Decision }
  | { readonly kind: 'failed'; readonly error: ParmanaError }
  | {
      readonly kind: 'replay';
      readonly state: string;
      readonly fingerprint: string;
      readonly tier: 'redis' | 'ledger';
    };

/**
 * The ledger's name for the record deciding an id. The timestamp keeps two records apart when a re-created Kafka
 * cluster reuses offsets while the audit database lives on.
 */
export function claimOf(record: InboundRecord): string {
  return `${sourceOf(record)}@${record.timestamp}`;
}

export interface DeciderOptions {
  readonly policies: PolicyResolver;
  readonly replay: ReplayBatchStore;
  /**
   * The durable tier: every id is claimed here before it is signed, so an id Redis no longer holds (expired, lost)
   * is still a replay. Unset only for measurements (PARMANA_REPLAY_LEDGER=off): then "once" holds only for as long
   * as Redis keeps the id.
   */
  readonly ledger?: ReplayLedger;
  readonly signer: OutcomeSigner;
  readonly topics: DeciderTopics;
  /** Envelope checks of a decoded request (executionId shape, ids, timestamps); returns the first problem. */
  readonly validateEnvelope: (request: ExecutionRequestRecord) => ParmanaError | undefined;
  /** Records larger than this are refused (REQ-008) even if a producer bypassed the SDK's check. */
  readonly maxRequestBytes: number;
  /** Receives the time spent in Redis and in evaluating + signing for each batch (stage timings). */
  readonly onStage?: (stage: 'redis' | 'ledger' | 'sign', ms: number, requests: number) => void;
  readonly clock?: () => number;
}

function asParmanaError(err: unknown): ParmanaError {
  if (isParmanaError(err)) return err;
  return new ParmanaError('REQ-099', { cause: err, detail: err instanceof Error ? err.message : String(err) });
}

/**
 * Turns a batch of consumed requests into their outcomes: exactly one signed attestation or signed rejection per
 * decodable request (plus security events), or a dead letter for undecodable bytes. Redis failures propagate
 * (retriable INV-020): the caller then emits and commits nothing for the batch.
 */
export class RequestDecider {
  constructor(private readonly o: DeciderOptions) {}

  async decide(records: readonly DecodedRecord[]): Promise<OutboundMessage[]> {
    const clock = this.o.clock ?? (() => performance.now());
    const prepared = records.map((r) => this.prepare(r));
    const ready = prepared.filter((p): p is Ready => p.kind === 'ready');
    const t0 = clock();
    const replies = await this.o.replay.reserveBatch(
      ready.map((p) => ({
        executionId: p.request.executionId,
        fingerprint: p.fingerprint,
        source: sourceOf(p.record),
      })),
    );
    const t1 = clock();

    // What happens to each ready request: a replay Redis knows, a failed evaluation, or a decision to sign.
    const plans = new Map<Ready, Plan>();
    const toSign: Ready[] = [];
    ready.forEach((p, i) => {
      const reply = replies[i];
      if (reply === undefined) throw new ParmanaError('INV-021', { detail: 'missing reserve reply' });
      if (reply.result === 'replay') {
        plans.set(p, { kind: 'replay', state: reply.state, fingerprint: reply.fingerprint, tier: 'redis' });
        return;
      }
      try {
        plans.set(p, { kind: 'sign', decision: p.policy.evaluate(p.signals) });
        toSign.push(p);
      } catch (err) {
        plans.set(p, { kind: 'failed', error: asParmanaError(err) });
      }
    });

    // Every decision is claimed in the durable ledger before it is signed (one round trip for the batch): an id
    // decided before by another record is a replay even when Redis has forgotten it.
    const tl = clock();
    const verdicts: LedgerVerdict[] =
      this.o.ledger === undefined || toSign.length === 0
        ? []
        : await this.o.ledger.claim(
            toSign.map((p) => ({
              executionId: p.request.executionId,
              fingerprint: p.fingerprint,
              claim: claimOf(p.record),
            })),
          );
    verdicts.forEach((v, i) => {
      const p = toSign[i];
      if (p !== undefined && v.result === 'taken')
        plans.set(p, { kind: 'replay', state: 'DECIDED', fingerprint: v.fingerprint, tier: 'ledger' });
    });
    const t2 = clock();

    // Signatures of the whole batch run at once (an HSM or KMS signs them in parallel) and are awaited below.
    const out: Promise<OutboundMessage>[] = [];
    const completes: {
      executionId: string;
      source: string;
      finalState: 'CONFIRMED' | 'PENDING_OVERRIDE';
      data: string;
    }[] = [];
    const fails: { executionId: string; source: string }[] = [];
    for (const p of prepared) {
      if (p.kind === 'dead') {
        out.push(Promise.resolve(this.deadLetter(p.record, p.error)));
        continue;
      }
      if (p.kind === 'rejected') {
        out.push(this.rejection(p.record, p.request, p.error));
        if (p.invalidPolicy)
          out.push(Promise.resolve(this.securityEvent('invalid_policy', 'high', p.record, p.request, p.error)));
        continue;
      }
      const plan = plans.get(p);
      if (plan === undefined) throw new ParmanaError('INV-021', { detail: 'missing reserve reply' });
      if (plan.kind === 'replay') {
        const error = new ParmanaError('INV-013', {
          path: '$.executionId',
          detail: `state ${plan.state}${plan.fingerprint === p.fingerprint ? ', same fingerprint' : ', different fingerprint'}`,
        });
        out.push(this.rejection(p.record, p.request, error));
        out.push(
          Promise.resolve(
            this.securityEvent('replay_attempt', 'high', p.record, p.request, error, {
              state: plan.state,
              ...(plan.tier === 'ledger' ? { tier: 'ledger' } : {}),
            }),
          ),
        );
        // This record's own reservation is released (FAILED): the next copy asks the ledger again.
        if (plan.tier === 'ledger') fails.push({ executionId: p.request.executionId, source: sourceOf(p.record) });
        continue;
      }
      if (plan.kind === 'failed') {
        fails.push({ executionId: p.request.executionId, source: sourceOf(p.record) });
        out.push(this.rejection(p.record, p.request, plan.error));
        continue;
      }
      const decision = plan.decision;
      const attestation = this.o.signer.attestation(p.record, p.request, p.policy, p.signals, p.fingerprint, decision);
      const key = p.request.executionId;
      out.push(attestation.then((value) => ({ topic: this.o.topics.attestations, key, value })));
      completes.push({
        executionId: p.request.executionId,
        source: sourceOf(p.record),
        finalState: decision.requires_override ? 'PENDING_OVERRIDE' : 'CONFIRMED',
        // Kept with a pending decision so an override can be signed against exactly what was decided.
        data: JSON.stringify({ policyId: p.request.policyId, policyVersion: p.request.policyVersion, decision }),
      });
    }
    // A signer failure rejects here, before Redis moves on: nothing is emitted or committed for the batch.
    const signed = await Promise.all(out);
    // Redis moves to its final state before Kafka commits: a crash in between re-runs the same source record,
    // which resumes its own entry (and finds its own ledger claim) and re-emits the byte-identical outcome.
    const t3 = clock();
    await this.o.replay.completeBatch(completes);
    await this.o.replay.failBatch(fails);
    this.o.onStage?.('redis', t1 - t0 + (clock() - t3), records.length);
    if (this.o.ledger !== undefined) this.o.onStage?.('ledger', t2 - tl, records.length);
    this.o.onStage?.('sign', tl - t1 + (t3 - t2), records.length);
    return signed;
  }

  private prepare(r: DecodedRecord): Prepared {
    if ('decodeError' in r) return { kind: 'dead', record: r.source, error: r.decodeError };
    const { source: record, request } = r;
    const size = record.value?.length ?? 0;
    const envelopeError =
      size > this.o.maxRequestBytes
        ? new ParmanaError('REQ-008', { path: '$', detail: `${size} > ${this.o.maxRequestBytes} bytes` })
        : this.o.validateEnvelope(request);
    if (envelopeError !== undefined)
      return { kind: 'rejected', record, request, error: envelopeError, invalidPolicy: false };
    let policy: ResolvedPolicy;
    try {
      policy = this.o.policies.resolve(request.policyId, request.policyVersion);
    } catch (err) {
      const error = asParmanaError(err);
      // An unknown policy is the caller's mistake; a bundle that fails verification is an attack or a broken deploy.
      return { kind: 'rejected', record, request, error, invalidPolicy: error.code.startsWith('BND') };
    }
    let raw: unknown;
    try {
      raw = parseJsonStrict(request.signals);
    } catch (err) {
      return { kind: 'rejected', record, request, error: asParmanaError(err), invalidPolicy: false };
    }
    const validated = policy.validate(raw);
    if (!validated.ok) {
      const error = validated.errors[0] ?? new ParmanaError('REQ-099', { detail: 'signal validation failed' });
      return { kind: 'rejected', record, request, error, invalidPolicy: false };
    }
    const fingerprint = this.o.signer.fingerprint(request.policyId, request.policyVersion, validated.signals);
    return { kind: 'ready', record, request, policy, signals: validated.signals, fingerprint };
  }

  private async rejection(
    record: InboundRecord,
    request: ExecutionRequestRecord,
    error: ParmanaError,
  ): Promise<OutboundMessage> {
    return {
      topic: this.o.topics.rejections,
      key: request.executionId,
      value: await this.o.signer.rejection(record, request, error),
    };
  }

  private securityEvent(
    eventType: string,
    severity: string,
    record: InboundRecord,
    request: ExecutionRequestRecord,
    error: ParmanaError,
    extra: Record<string, unknown> = {},
  ): OutboundMessage {
    return {
      topic: this.o.topics.securityEvents,
      key: request.executionId,
      value: {
        // Deterministic: re-processing the same record after a crash yields the same event, deduplicated by the sink.
        // The record's timestamp and executionId keep ids distinct when a re-created cluster reuses offsets.
        eventId: sha256Hex(`${eventType}:${sourceOf(record)}:${record.timestamp}:${request.executionId}`),
        eventType,
        severity,
        executionId: request.executionId,
        source: 'worker',
        code: error.code,
        detail: JSON.stringify({
          message: error.message,
          policyId: request.policyId,
          policyVersion: request.policyVersion,
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          ...extra,
        }),
        occurredAt: recordTimeIso(record),
      },
    };
  }

  private deadLetter(record: InboundRecord, error: ParmanaError): OutboundMessage {
    return {
      topic: this.o.topics.deadLetter,
      key: record.key,
      raw: record.value,
      headers: deadLetterMessage(record, error).headers,
    };
  }
}
