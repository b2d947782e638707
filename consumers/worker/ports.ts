import type { ParmanaError } from '../../core/errors/ParmanaError.js';

/** A policy decision as the evaluator returns it. */
export interface Decision {
  readonly action: string;
  readonly requires_override: boolean;
  readonly reason: string;
  readonly ruleId: string;
}

/** A verified, compiled policy bundle: loaded and checked once, then used for every request that names it. */
export interface ResolvedPolicy {
  readonly policyId: string;
  readonly policyVersion: string;
  readonly schemaVersion: string;
  readonly bundleHash: string;
  validate(signals: unknown): { ok: true; signals: Record<string, unknown> } | { ok: false; errors: ParmanaError[] };
  /** Throws a coded ParmanaError when no rule matches. */
  evaluate(signals: Record<string, unknown>): Decision;
}

/** Finds the verified policy for `policyId@version`; throws a coded ParmanaError (BND/POL) when it cannot. */
export interface PolicyResolver {
  resolve(policyId: string, policyVersion: string): ResolvedPolicy;
}

/** Avro encoding through the schema registry, by topic (subject `<topic>-value`). */
export interface RecordCodec {
  encode(topic: string, value: object): Promise<Buffer>;
  decode(buffer: Buffer): Promise<unknown>;
}
