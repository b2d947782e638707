import { join } from 'node:path';
import { parseJsonStrict } from '../../core/canonical/parseJsonStrict.js';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import { compilePolicy } from '../../core/policy/compilePolicy.js';
import { evaluate } from '../../core/policy/evaluate.js';
import { validateSignals } from '../../core/signals/validateSignals.js';
import type { TrustRoot } from '../../core/trust/TrustRoot.js';
import { readBundleFiles, verifyBundleDir } from '../bundle/bundleDir.js';
import type { PolicyResolver, ResolvedPolicy } from './ports.js';

const SAFE_SEGMENT = /^[a-z0-9][a-z0-9.+-]{0,63}$/;

/**
 * Loads `policies/<id>/<version>/`, verifies the signed bundle against the trust root and compiles the policy once
 * per load; the result (or the refusal) is cached by `policyId@version`. Failures are re-checked after `retryMs`, so
 * a bundle deployed later, or fixed, is picked up without a restart.
 */
export class BundlePolicyResolver implements PolicyResolver {
  private readonly cache = new Map<string, { policy?: ResolvedPolicy; error?: ParmanaError; at: number }>();

  constructor(
    private readonly policiesDir: string,
    private readonly trustRoot: TrustRoot,
    private readonly now: () => number,
    private readonly retryMs = 30_000,
  ) {}

  resolve(policyId: string, policyVersion: string): ResolvedPolicy {
    const key = `${policyId}@${policyVersion}`;
    const hit = this.cache.get(key);
    if (hit?.policy !== undefined) return hit.policy;
    if (hit?.error !== undefined && this.now() - hit.at < this.retryMs) throw hit.error;
    try {
      const policy = this.load(policyId, policyVersion);
      this.cache.set(key, { policy, at: this.now() });
      return policy;
    } catch (err) {
      const error = err instanceof ParmanaError ? err : new ParmanaError('POL-041', { path: key, cause: err });
      this.cache.set(key, { error, at: this.now() });
      throw error;
    }
  }

  private load(policyId: string, policyVersion: string): ResolvedPolicy {
    // Ids are validated before they get here; this guard keeps a hostile id from walking the file system.
    if (!SAFE_SEGMENT.test(policyId) || !SAFE_SEGMENT.test(policyVersion)) {
      throw new ParmanaError('POL-042', { path: '$.policyId', detail: 'invalid id' });
    }
    const dir = join(this.policiesDir, policyId, policyVersion);
    const check = verifyBundleDir(dir, this.trustRoot, new Date(this.now()).toISOString());
    if (!check.valid) {
      const first = check.problems[0];
      if (first?.code === 'BND-010')
        throw new ParmanaError('POL-042', { path: '$.policyVersion', detail: `${policyId}@${policyVersion}` });
      throw new ParmanaError((first?.code ?? 'BND-001') as 'BND-001', {
        path: first?.path ?? dir,
        detail: check.problems.map((p) => `${p.code} ${p.path}`).join(', '),
      });
    }
    const policyFile = readBundleFiles(dir).get('policy.json');
    if (policyFile === undefined) throw new ParmanaError('BND-004', { path: 'policy.json' });
    const compiled = compilePolicy(parseJsonStrict(policyFile.toString('utf8')), {
      expectedPolicyId: policyId,
      expectedVersion: policyVersion,
    });
    const policy = compiled.policy;
    if (policy === undefined) {
      const d = compiled.diagnostics.find((x) => x.severity === 'error');
      throw new ParmanaError((d?.code ?? 'POL-001') as 'POL-001', { path: d?.path ?? '$', detail: d?.message ?? '' });
    }
    return {
      policyId,
      policyVersion,
      schemaVersion: policy.schemaVersion,
      bundleHash: check.bundleHash ?? '',
      validate: (signals) => validateSignals(policy.signalsSchema, signals),
      evaluate: (signals) => evaluate(policy, signals as Record<string, string | number | boolean>),
    };
  }
}
