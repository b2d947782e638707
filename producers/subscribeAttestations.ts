import type { KafkaSasl } from '../kafka/KafkaConnection.js';
import { pino } from 'pino';
import type { AttestationBody } from '../core/attestation/AttestationBody.js';
import { verifyAttestation } from '../core/attestation/verifyAttestation.js';
import type { TrustRoot } from '../core/trust/TrustRoot.js';
import { AvroCodec } from '../shared/codec/AvroCodec.js';
import { envelopeOf } from '../shared/records/envelopeOf.js';
import type { AttestationRecord } from '../shared/records/AttestationRecord.js';
import { createKafkaClient } from '../kafka/createKafkaClient.js';
import type { KafkaClientName, KafkaRecord } from '../kafka/KafkaClient.js';

export interface VerifiedAttestation {
  readonly body: AttestationBody;
  readonly record: AttestationRecord;
  readonly partition: number;
  readonly offset: string;
}

export interface SubscribeOptions {
  readonly brokers: readonly string[];
  /** SCRAM credentials of this client's principal, when the brokers require authentication. */
  readonly sasl?: KafkaSasl | undefined;
  readonly groupId: string;
  readonly topic: string;
  readonly registryUrl: string;
  readonly trustRoot: TrustRoot;
  /** Called only for attestations whose signature and key verify. */
  readonly handler: (attestation: VerifiedAttestation) => Promise<void>;
  /** Called for everything else, with the reason codes (ATT-xxx, REQ-001 for undecodable records). */
  readonly onInvalid: (problem: {
    partition: number;
    offset: string;
    key: string | null;
    reasons: string[];
  }) => Promise<void>;
  readonly fromBeginning?: boolean;
  readonly kafkaClient?: KafkaClientName;
}

/**
 * Downstream helper: consumes the attestation topic (read_committed), verifies every attestation against the trust
 * root from the signed bytes it carries, and hands over only verified ones. The offset of a record is committed after
 * its handler resolves, so a crashing handler sees the record again.
 */
export async function subscribeAttestations(o: SubscribeOptions): Promise<{ stop: () => Promise<void> }> {
  const kafka = await createKafkaClient(
    { kafka: { brokers: o.brokers, sasl: o.sasl }, kafkaClient: o.kafkaClient ?? 'rdkafka' },
    pino({ name: o.groupId, level: 'warn' }),
  );
  const consumer = kafka.groupConsumer({
    clientId: o.groupId,
    groupId: o.groupId,
    topics: [o.topic],
    fromBeginning: o.fromBeginning ?? true,
  });
  const codec = new AvroCodec(o.registryUrl);

  const deliver = async (message: KafkaRecord): Promise<void> => {
    const { partition } = message;
    const key = message.key?.toString() ?? null;
    let record: AttestationRecord;
    try {
      record = (await codec.decode(message.value)) as AttestationRecord;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === undefined || (err as { retriable?: boolean }).retriable === true) throw err; // registry down: retry
      await o.onInvalid({ partition, offset: message.offset, key, reasons: [code] });
      return;
    }
    const result = verifyAttestation(envelopeOf(record), o.trustRoot);
    if (result.valid && result.body !== undefined && result.body.executionId === record.executionId) {
      await o.handler({ body: result.body, record, partition, offset: message.offset });
    } else {
      await o.onInvalid({ partition, offset: message.offset, key, reasons: result.reasons.map((r) => r.code) });
    }
  };

  await consumer.run(async (batch) => {
    let handled: KafkaRecord | undefined;
    try {
      for (const message of batch.records) {
        await deliver(message);
        handled = message;
      }
    } finally {
      // Everything handled is committed, even when a later record's handler failed (that one comes again).
      if (handled !== undefined) {
        await consumer.commit([
          { topic: batch.topic, partition: batch.partition, offset: (BigInt(handled.offset) + 1n).toString() },
        ]);
      }
    }
  });
  return { stop: () => consumer.stop() };
}
