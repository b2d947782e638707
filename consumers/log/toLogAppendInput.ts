import { logEntryBytes } from '../../core/log/logEntry.js';
import { envelopeOf } from '../../shared/records/envelopeOf.js';
import type { AttestationRecord } from '../../shared/records/AttestationRecord.js';
import type { OverrideResult } from '../../shared/records/OverrideResult.js';
import type { RecordSource } from '../sinks/Projection.js';
import type { RejectionRecord } from '../../shared/records/RejectionRecord.js';
import type { LogAppendInput } from './LogAppendInput.js';

export interface OutcomeTopics {
  readonly attestations: string;
  readonly rejections: string;
  readonly overrides: string;
}

/**
 * The log entry of a decoded outcome record, or undefined for records that are not signed outcomes (override
 * commands, unsigned override results such as not_found). The signed bytes travel verbatim into the entry.
 */
export function toLogAppendInput(
  topics: OutcomeTopics,
  source: RecordSource,
  value: unknown,
): LogAppendInput | undefined {
  if (source.topic === topics.attestations) {
    const r = value as AttestationRecord;
    return { entry: logEntryBytes(envelopeOf(r)), kind: 'attestation', executionId: r.executionId, source };
  }
  if (source.topic === topics.rejections) {
    const r = value as RejectionRecord;
    return { entry: logEntryBytes(envelopeOf(r)), kind: 'rejection', executionId: r.executionId, source };
  }
  if (source.topic === topics.overrides) {
    const r = (value as { result: OverrideResult | null }).result;
    if (r === null || r.payload === null || r.payloadType === null || r.signature === null || r.signerKeyId === null)
      return undefined;
    const envelope = envelopeOf({
      payloadType: r.payloadType,
      payload: r.payload,
      signature: r.signature,
      signerKeyId: r.signerKeyId,
    });
    return { entry: logEntryBytes(envelope), kind: 'override', executionId: r.executionId, source };
  }
  return undefined;
}
