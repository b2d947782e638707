import type { LogEntryKind } from '../../core/log/logEntry.js';
import type { RecordSource } from '../sinks/Projection.js';

/** One signed outcome to append: its canonical entry bytes and what the row indexes it by. */
export interface LogAppendInput {
  readonly entry: Buffer;
  readonly kind: LogEntryKind;
  readonly executionId: string;
  readonly source: RecordSource;
}
