import type { PoolClient } from 'pg';
import type { CellValue } from './copyRows.js';

/** Where a consumed record came from: part of deterministic ids and of the audit row. */
export interface RecordSource {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** One Kafka topic projected into audit tables. `write` runs inside the sink's transaction. */
export interface Projection {
  readonly name: string;
  readonly topic: string;
  write(client: PoolClient, records: readonly { source: RecordSource; value: unknown }[]): Promise<number>;
}

export type Row = readonly CellValue[];
