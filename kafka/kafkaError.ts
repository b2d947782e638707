import { ParmanaError } from '../core/errors/ParmanaError.js';

export type KafkaErrorCode = 'KAF-001' | 'KAF-002' | 'KAF-003' | 'KAF-004' | 'KAF-005' | 'KAF-006';

/** A library error as a coded ParmanaError: the code says whether to wait (KAF-001), re-read (KAF-003) or stop. */
export function kafkaError(code: KafkaErrorCode, cause: unknown, what: string): ParmanaError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new ParmanaError(code, { cause, detail: `${what}: ${message}` });
}
