import { sha256Hex } from '../../core/hash/sha256.js';
import type { SignedOutcome } from './verifyOutcome.js';

/**
 * The id of the signature_failure event an observer raises for an outcome that did not verify: it hashes the signed
 * content, not the Kafka offset (offsets restart when a cluster is re-created), so a redelivered record yields the
 * same event. The observer (the log writer) is part of the id.
 */
export function signatureFailureEventId(
  outcome: Pick<SignedOutcome, 'payload' | 'signature' | 'signerKeyId'>,
  observer: string,
): string {
  return sha256Hex(
    `signature_failure:${observer}:${sha256Hex(outcome.payload)}:${outcome.signature}:${outcome.signerKeyId}`,
  );
}
