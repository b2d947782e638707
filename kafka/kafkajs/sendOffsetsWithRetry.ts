import type { Transaction, TopicOffsets } from 'kafkajs';

/** True when an error (or one of its causes) is Kafka's CONCURRENT_TRANSACTIONS. */
export function isConcurrentTransactions(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if (typeof e === 'object' && 'type' in e && e.type === 'CONCURRENT_TRANSACTIONS') return true;
    e = typeof e === 'object' && 'cause' in e ? e.cause : undefined;
  }
  return false;
}

/**
 * kafkajs gap: Transaction.sendOffsets calls AddOffsetsToTxn outside its retrier, so a CONCURRENT_TRANSACTIONS
 * answer (the coordinator is still completing our previous commit, which the broker expects clients to retry)
 * surfaces as a failure of a healthy transaction. The transaction is still in TRANSACTING state and kafkajs marks
 * offsets as added only after success, so calling sendOffsets again is safe; we do so with a short backoff.
 */
export async function sendOffsetsWithRetry(
  transaction: Transaction,
  consumerGroupId: string,
  topics: TopicOffsets[],
  sleep: (ms: number) => Promise<void>,
  maxAttempts = 12,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await transaction.sendOffsets({ consumerGroupId, topics });
      return;
    } catch (err) {
      if (!isConcurrentTransactions(err) || attempt >= maxAttempts) throw err;
      await sleep(Math.min(20 * 2 ** attempt, 1_000));
    }
  }
}
