import type { PoolClient } from 'pg';
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

/** One Kafka topic projected into audit tables. `write` runs inside the sink's transaction. */
export interface Projection {
  readonly name: string;
  readonly topic: string;
  /**
   * Whether this sink dead-letters the topic's undecodable records (default). A sink reading a topic whose own
   * consumer already dead-letters them (the requests topic: the worker) skips them instead of sending a second copy.
   */
  readonly deadLetters?: boolean;
  /**
   * Work that needs no database, done before the transaction opens (signature checks), so a connection is not
   * held in a transaction while CPU-bound work runs. `write` is then called with the same record objects.
   */
  prepare?(records: readonly SourcedValue[]): Promise<void>;
  write(client: PoolClient, records: readonly SourcedValue[]): Promise<number>;
}

export type Row = readonly CellValue[];
