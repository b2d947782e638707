import type { ClientBase } from 'pg';
import type { AttestationBody } from '../../core/attestation/AttestationBody.js';
import type { CellValue } from './copyRows.js';

/** Where a consumed record came from: part of deterministic ids and of the audit row. */
export interface RecordSource {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** A decoded record and where it came from. */
export interface SourcedValue {
  readonly source: RecordSource;
  readonly value: unknown;
  /** When the record was written to its topic (ISO 8601, from its Kafka timestamp). */
  readonly writtenAt: string;
}

/**
 * A record of an outcome topic whose signature the log writer verified (unsigned records of the overrides topic, the
 * commands, carry nothing to verify); `attestation` is the verified body of an attestation.
 */
export interface VerifiedValue extends SourcedValue {
  readonly attestation?: AttestationBody;
}

/**
 * One Kafka topic projected into audit tables. `write` runs inside its consumer's transaction: the sinks' for the
 * topics they read, the log writer's append transaction for the outcome topics (records it verified).
 */
export interface Projection<R extends SourcedValue = SourcedValue> {
  readonly name: string;
  readonly topic: string;
  /**
   * Whether this sink dead-letters the topic's undecodable records (default). A sink reading a topic whose own
   * consumer already dead-letters them (the requests topic: the worker) skips them instead of sending a second copy.
   */
  readonly deadLetters?: boolean;
  write(client: ClientBase, records: readonly R[]): Promise<number>;
}

export type Row = readonly CellValue[];
