/** Where an undecodable record came from, with its bytes exactly as read. */
export interface UndecodableRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

/** A dead-letter record ready for a kafkajs `send`. */
export interface DeadLetterMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<DeadLetterHeader, string>>;
}

export const DLQ_HEADERS = {
  reason: 'parmana-dlq-reason',
  detail: 'parmana-dlq-detail',
  sourceTopic: 'parmana-dlq-source-topic',
  sourcePartition: 'parmana-dlq-source-partition',
  sourceOffset: 'parmana-dlq-source-offset',
} as const;

export type DeadLetterHeader = (typeof DLQ_HEADERS)[keyof typeof DLQ_HEADERS];

// Header values travel with every copy of the record: bound them so a huge message cannot blow the batch size.
const MAX_DETAIL_CHARS = 1000;

/** Why a record is dead-lettered: a stable code (a ParmanaError, or a verification's first failed check) and words. */
export interface DeadLetterReason {
  readonly code: string;
  readonly message: string;
}

/**
 * Builds the dead-letter copy of a record that could not be decoded or verified. Key and value are kept byte for
 * byte (an operator must be able to replay or inspect exactly what arrived); why and where travel in headers.
 */
export function deadLetterMessage(record: UndecodableRecord, error: DeadLetterReason): DeadLetterMessage {
  return {
    key: record.key,
    value: record.value,
    headers: {
      [DLQ_HEADERS.reason]: error.code,
      [DLQ_HEADERS.detail]: error.message.slice(0, MAX_DETAIL_CHARS),
      [DLQ_HEADERS.sourceTopic]: record.topic,
      [DLQ_HEADERS.sourcePartition]: String(record.partition),
      [DLQ_HEADERS.sourceOffset]: record.offset,
    },
  };
}
