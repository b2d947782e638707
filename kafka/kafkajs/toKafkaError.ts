import kafkajs from 'kafkajs';
import { isParmanaError, type ParmanaError } from '../../core/errors/ParmanaError.js';
import { kafkaError } from '../kafkaError.js';

// Broker answers that mean this transaction (or this member) lost its right to commit: re-read, never retry blindly.
const FENCED = new Set([
  'INVALID_PRODUCER_EPOCH',
  'PRODUCER_FENCED',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'REBALANCE_IN_PROGRESS',
  'FENCED_INSTANCE_ID',
  'INVALID_TXN_STATE',
]);

function errorType(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if (typeof e === 'object' && 'type' in e && typeof e.type === 'string') return e.type;
    e = typeof e === 'object' && 'cause' in e ? e.cause : undefined;
  }
  return undefined;
}

/**
 * Classifies a kafkajs failure: KAF-005 authentication / KAF-006 authorization refused, KAF-003 fenced, KAF-001
 * retriable (connection, leadership, timeouts), else KAF-002.
 */
export function toKafkaError(err: unknown, what: string): ParmanaError {
  if (isParmanaError(err)) return err;
  if (err instanceof kafkajs.KafkaJSSASLAuthenticationError) return kafkaError('KAF-005', err, what);
  const type = errorType(err);
  if (type?.endsWith('_AUTHORIZATION_FAILED') === true) return kafkaError('KAF-006', err, what);
  if (type !== undefined && FENCED.has(type)) return kafkaError('KAF-003', err, what);
  const retriable =
    err instanceof kafkajs.KafkaJSError && (err.retriable || err.name === 'KafkaJSNumberOfRetriesExceeded');
  return kafkaError(retriable ? 'KAF-001' : 'KAF-002', err, what);
}
