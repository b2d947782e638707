import rdkafka, { type LibrdKafkaError } from 'node-rdkafka';
import { isParmanaError, type ParmanaError } from '../../core/errors/ParmanaError.js';
import { kafkaError } from '../kafkaError.js';

const E = rdkafka.CODES.ERRORS;

// This member or producer lost its right to commit: the caller re-reads from the committed offsets.
const FENCED = new Set<number>([
  E.ERR__FENCED,
  E.ERR_PRODUCER_FENCED,
  E.ERR_INVALID_PRODUCER_EPOCH,
  E.ERR_ILLEGAL_GENERATION,
  E.ERR_UNKNOWN_MEMBER_ID,
  E.ERR_REBALANCE_IN_PROGRESS,
  E.ERR_FENCED_INSTANCE_ID,
  E.ERR__ASSIGNMENT_LOST,
]);

// Worth waiting out: brokers unreachable, leadership moving, coordinators loading, timeouts, full local queue.
const TRANSIENT = new Set<number>([
  E.ERR__TRANSPORT,
  E.ERR__ALL_BROKERS_DOWN,
  E.ERR__TIMED_OUT,
  E.ERR__TIMED_OUT_QUEUE,
  E.ERR__MSG_TIMED_OUT,
  E.ERR__QUEUE_FULL,
  E.ERR__WAIT_COORD,
  E.ERR__STATE,
  E.ERR_REQUEST_TIMED_OUT,
  E.ERR_LEADER_NOT_AVAILABLE,
  E.ERR_NOT_LEADER_FOR_PARTITION,
  E.ERR_NOT_ENOUGH_REPLICAS,
  E.ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND,
  E.ERR_COORDINATOR_LOAD_IN_PROGRESS,
  E.ERR_COORDINATOR_NOT_AVAILABLE,
  E.ERR_NOT_COORDINATOR,
  E.ERR_CONCURRENT_TRANSACTIONS,
  E.ERR_NETWORK_EXCEPTION,
]);

// Security refusals: retrying the same credentials or the same topic cannot succeed.
const AUTHENTICATION = new Set<number>([E.ERR__AUTHENTICATION, E.ERR_SASL_AUTHENTICATION_FAILED]);
const AUTHORIZATION = new Set<number>([
  E.ERR_TOPIC_AUTHORIZATION_FAILED,
  E.ERR_GROUP_AUTHORIZATION_FAILED,
  E.ERR_CLUSTER_AUTHORIZATION_FAILED,
  E.ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
]);

export function isLibrdKafkaError(err: unknown): err is LibrdKafkaError {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'number' && 'origin' in err;
}

/**
 * Classifies a librdkafka failure: KAF-005 authentication / KAF-006 authorization refused, KAF-003 fenced / abort
 * required, KAF-001 transient, else KAF-002. Delivery reports carry the broker's refusal in the message only.
 */
export function toKafkaError(err: unknown, what: string): ParmanaError {
  if (isParmanaError(err)) return err;
  if (!isLibrdKafkaError(err)) return kafkaError('KAF-002', err, what);
  if (AUTHENTICATION.has(err.code)) return kafkaError('KAF-005', err, what);
  if (AUTHORIZATION.has(err.code) || /authorization failed/i.test(err.message)) return kafkaError('KAF-006', err, what);
  if (err.isTxnRequiresAbort === true || FENCED.has(err.code)) return kafkaError('KAF-003', err, what);
  if (err.isRetriable === true || TRANSIENT.has(err.code)) return kafkaError('KAF-001', err, what);
  return kafkaError('KAF-002', err, what);
}
