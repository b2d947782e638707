import { canonicalBytes } from '../canonical/canonicalize.js';
import { parseJsonStrict } from '../canonical/parseJsonStrict.js';
import { ParmanaError } from '../errors/ParmanaError.js';
import type { AttestationBody, AttestationDecision } from './AttestationBody.js';
import { buildAttestationBody } from './buildAttestationBody.js';

/** The policy of a bundle, as the worker uses it. */
export interface RederivePolicy {
  readonly schemaVersion: string;
  readonly bundleHash: string;
  validate(
    signals: unknown,
  ): { ok: true; signals: Record<string, unknown> } | { ok: false; errors: readonly ParmanaError[] };
  evaluate(signals: Readonly<Record<string, unknown>>): AttestationDecision;
}

/** The stored request a decision came from. */
export interface RederiveRequest {
  readonly executionId: string;
  readonly policyId: string;
  readonly policyVersion: string;
  /** JSON text as carried on the requests topic. */
  readonly signals: string;
  readonly requestedAt: string;
  readonly provenance: { readonly topic: string; readonly partition: number; readonly offset: string };
}

/**
 * Decides a logged request again and rebuilds its attestation body bytes. What the decision depends on comes from the
 * request and the bundle; the facts about the signer (trust-root version, release manifest, runtime version, key id)
 * come from the logged body, since they describe who signed, not what was decided. Throws LOG-023 when the request no
 * longer validates or evaluates.
 */
export function rederiveAttestationBody(
  request: RederiveRequest,
  policy: RederivePolicy,
  logged: AttestationBody,
): Buffer {
  let raw: unknown;
  try {
    raw = parseJsonStrict(request.signals);
  } catch (cause) {
    throw new ParmanaError('LOG-023', { cause, detail: 'signals are not JSON' });
  }
  const validated = policy.validate(raw);
  if (!validated.ok) throw new ParmanaError('LOG-023', { detail: validated.errors[0]?.message ?? 'invalid signals' });
  let decision: AttestationDecision;
  try {
    decision = policy.evaluate(validated.signals);
  } catch (cause) {
    throw new ParmanaError('LOG-023', { cause, detail: cause instanceof Error ? cause.message : String(cause) });
  }
  return canonicalBytes(
    buildAttestationBody({
      executionId: request.executionId,
      policyId: request.policyId,
      policyVersion: request.policyVersion,
      schemaVersion: policy.schemaVersion,
      signals: validated.signals,
      decision,
      bundleHash: policy.bundleHash,
      trustRootVersion: logged.trustRootVersion,
      releaseManifestHash: logged.releaseManifestHash,
      runtimeVersion: logged.runtimeVersion,
      signerKeyId: logged.signerKeyId,
      requestedAt: request.requestedAt,
      provenance: request.provenance,
    }),
  );
}

/** Top-level fields (decision sub-fields as decision.x) whose values differ between two bodies. */
export function differingFields(a: AttestationBody, b: AttestationBody): string[] {
  const out: string[] = [];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof AttestationBody>;
  for (const k of [...keys].sort()) {
    if (JSON.stringify(a[k]) === JSON.stringify(b[k])) continue;
    if (k === 'decision') {
      for (const d of ['action', 'requires_override', 'reason', 'ruleId'] as const)
        if (a.decision[d] !== b.decision[d]) out.push(`decision.${d}`);
    } else out.push(k);
  }
  return out;
}
