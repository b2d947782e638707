/** One executionId the worker is about to decide, and the request record that decides it. */
export interface LedgerItem {
  readonly executionId: string;
  /** Hex SHA-256 execution fingerprint (policy, version, validated signals). */
  readonly fingerprint: string;
  /** The deciding record, "topic:partition:offset@timestampMs": a re-processed record finds its own claim. */
  readonly claim: string;
}

/**
 * `claimed`: the id is now durably this record's (first decision, or a re-run of the same record);
 * `taken`: another record decided it earlier (a replay, whatever Redis remembers).
 */
export type LedgerVerdict =
  { readonly result: 'claimed' } | { readonly result: 'taken'; readonly fingerprint: string; readonly claim: string };

/**
 * The durable tier of replay protection: every id ever decided, written before its outcome is signed. A claim
 * that cannot be made durable throws a retriable error (nothing is signed).
 */
export interface ReplayLedger {
  claim(items: readonly LedgerItem[]): Promise<LedgerVerdict[]>;
}
