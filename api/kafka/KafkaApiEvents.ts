import type { Logger } from 'pino';
import type { AvroCodec } from '../../shared/codec/AvroCodec.js';
import { sha256Hex } from '../../core/hash/sha256.js';
import type { ApiCallInput, ApiEvents, SecurityEventInput, VerificationRecordInput } from '../ports.js';
import type { BatchingSender } from './BatchingSender.js';

export interface KafkaApiEventsOptions {
  /** Verifications: awaited by their callers, so sent at once. */
  readonly sender: BatchingSender;
  /**
   * Security events and API calls: nobody waits for them, so a producer that lingers lets a burst of them share one
   * produce request instead of costing the broker one request per API call.
   */
  readonly background: BatchingSender;
  readonly codec: AvroCodec;
  readonly topics: { readonly securityEvents: string; readonly verifications: string; readonly apiCalls: string };
  readonly now: () => Date;
  readonly log: Logger;
  /** Fire-and-forget records waiting for Kafka beyond this are dropped and counted, so an outage cannot exhaust memory. */
  readonly maxBuffered?: number;
  readonly onDropped?: (kind: 'security_event' | 'api_call') => void;
}

/** The API's own records: verifications (awaited), security events and API calls (buffered, never blocking). */
export class KafkaApiEvents implements ApiEvents {
  private buffered = 0;
  private readonly maxBuffered: number;

  constructor(private readonly o: KafkaApiEventsOptions) {
    this.maxBuffered = o.maxBuffered ?? 50_000;
  }

  async verification(r: VerificationRecordInput): Promise<void> {
    const value = await this.o.codec.encode(this.o.topics.verifications, {
      verificationId: r.verificationId,
      executionId: r.executionId,
      valid: r.valid,
      checks: JSON.stringify(r.checks),
      reasons: JSON.stringify(r.reasons),
      signerKeyId: r.signerKeyId,
      source: r.source,
      requestedBy: r.requestedBy,
      verifiedAt: this.o.now().toISOString(),
    });
    await this.o.sender.send({ topic: this.o.topics.verifications, key: r.verificationId, value });
  }

  securityEvent(e: SecurityEventInput): void {
    const eventId = sha256Hex(`api:${e.eventType}:${e.sourceId}`);
    this.fireAndForget('security_event', this.o.topics.securityEvents, eventId, {
      eventId,
      eventType: e.eventType,
      severity: e.severity,
      executionId: e.executionId,
      source: 'api',
      code: e.code,
      detail: JSON.stringify(e.detail),
      occurredAt: this.o.now().toISOString(),
    });
  }

  apiCall(c: ApiCallInput): void {
    this.fireAndForget('api_call', this.o.topics.apiCalls, c.requestId, { ...c, at: this.o.now().toISOString() });
  }

  private fireAndForget(kind: 'security_event' | 'api_call', topic: string, key: string, record: object): void {
    if (this.buffered >= this.maxBuffered) {
      this.o.onDropped?.(kind);
      return;
    }
    this.buffered += 1;
    this.o.codec
      .encode(topic, record)
      .then((value) => this.o.background.send({ topic, key, value }))
      .catch((err: unknown) => {
        this.o.onDropped?.(kind);
        this.o.log.error({ err: (err as Error).message, kind }, 'API record could not be produced');
      })
      .finally(() => {
        this.buffered -= 1;
      });
  }
}
