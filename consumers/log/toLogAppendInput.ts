import { logEntryBytes, type LogEntryKind } from '../../core/log/logEntry.js';
import { envelopeOf } from '../../shared/records/envelopeOf.js';
import type { AttestationRecord } from '../../shared/records/AttestationRecord.js';
import type { OverrideResult } from '../../shared/records/OverrideResult.js';
import type { RecordSource } from '../sinks/Projection.js';
import type { RejectionRecord } from '../../shared/records/RejectionRecord.js';
import type { LogAppendInput } from './LogAppendInput.js';
import type { SignedOutcome } from '../verify/verifyOutcome.js';

export interface OutcomeTopics {
  readonly attestations: string;
  readonly rejections: string;
  readonly overrides: string;
}

/** A decoded outcome: the entry to append once `signed` verifies. */
export interface OutcomeEntry {
  readonly input: LogAppendInput;
  readonly signed: SignedOutcome;
}

function entryOf(
  kind: LogEntryKind,
  executionId: string,
  at: string,
  source: RecordSource,
  r: Pick<AttestationRecord, 'payloadType' | 'payload' | 'signature' | 'signerKeyId'>,
): OutcomeEntry {
  return {
    input: { entry: logEntryBytes(envelopeOf(r)), kind, executionId, source },
    signed: {
      kind,
      executionId,
      at,
      payloadType: r.payloadType,
      payload: r.payload,
      signature: r.signature,
      signerKeyId: r.signerKeyId,
    },
  };
}

/**
 * The log entry of a decoded outcome record, or undefined for records that are not signed outcomes (override
 * commands, unsigned override results such as not_found). The signed bytes travel verbatim into the entry.
 */
export function toLogAppendInput(
  topics: OutcomeTopics,
  source: RecordSource,
  value: unknown,
  writtenAt: string,
): OutcomeEntry | undefined {
  if (source.topic === topics.attestations) {
    const r = value as AttestationRecord;
    return entryOf('attestation', r.executionId, r.requestedAt, source, r);
  }
  if (source.topic === topics.rejections) {
    const r = value as RejectionRecord;
    // A rejection's requestedAt is the refused request's own (maybe malformed, maybe long past): its key must have
    // been valid when the worker wrote it.
    return entryOf('rejection', r.executionId, writtenAt, source, r);
  }
  if (source.topic === topics.overrides) {
    const r = (value as { result: OverrideResult | null }).result;
    if (r === null || r.payload === null || r.payloadType === null || r.signature === null || r.signerKeyId === null)
      return undefined;
    return entryOf('override', r.executionId, r.decidedAt, source, {
      payloadType: r.payloadType,
      payload: r.payload,
      signature: r.signature,
      signerKeyId: r.signerKeyId,
    });
  }
  return undefined;
}
