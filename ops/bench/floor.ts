import avro from 'avsc';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAttestationBody, signAttestation } from '../../core/attestation/buildAttestationBody.js';
import { executionFingerprint } from '../../core/attestation/executionFingerprint.js';
import { canonicalize } from '../../core/canonical/canonicalize.js';
import { parseJsonStrict } from '../../core/canonical/parseJsonStrict.js';
import { generateKeyPairSync } from 'node:crypto';
import { SodiumEd25519Signer } from '../../core/crypto/SodiumEd25519Signer.js';
import { compilePolicy } from '../../core/policy/compilePolicy.js';
import { evaluate } from '../../core/policy/evaluate.js';
import type { CompiledPolicy } from '../../core/policy/Policy.js';
import { validateSignals } from '../../core/signals/validateSignals.js';
import { toAttestationRecord } from '../../consumers/worker/toAttestationRecord.js';
import { sampleRequests, SHIPPED_POLICIES } from '../demo/sampleRequests.js';
import { summarize, type Summary } from './stats.js';

/**
 * The physical floor: the pure per-decision work in one process, one core — decode the request (Avro), parse and
 * validate signals, fingerprint, evaluate, build and sign the attestation (libsodium Ed25519, as the file key signs),
 * encode the record (Avro).
 */
export function floorBenchmark(
  root: string,
  count: number,
  runs: number,
): { usPerDecision: Summary; ceilingPerCore: Summary } {
  const type = (file: string): avro.Type =>
    avro.Type.forSchema(JSON.parse(readFileSync(join(root, 'schemas', file), 'utf8')) as avro.Schema);
  const requestType = type('execution-request.avsc');
  const attestationType = type('attestation.avsc');
  const policies = new Map<string, CompiledPolicy>();
  for (const id of SHIPPED_POLICIES) {
    const compiled = compilePolicy(
      JSON.parse(readFileSync(join(root, 'policies', id, '1.0.0', 'policy.json'), 'utf8')),
    ).policy;
    if (compiled === undefined) throw new Error(`${id} does not compile`);
    policies.set(id, compiled);
  }
  const signer = new SodiumEd25519Signer(generateKeyPairSync('ed25519').privateKey);
  const encoded = sampleRequests({ count, prefix: 'floor', replayRatio: 0, invalidRatio: 0, seed: 1 }).map((r) =>
    requestType.toBuffer({
      ...r,
      signals: canonicalize(r.signals),
      requestedAt: '2026-01-01T00:00:00Z',
      requestedBy: null,
      traceparent: null,
    }),
  );
  const once = (): number => {
    const started = process.hrtime.bigint();
    let bytes = 0;
    for (const [i, buf] of encoded.entries()) {
      const req = requestType.fromBuffer(buf) as {
        executionId: string;
        policyId: string;
        policyVersion: string;
        signals: string;
        requestedAt: string;
      };
      const policy = policies.get(req.policyId);
      if (policy === undefined) throw new Error('unknown policy');
      const v = validateSignals(policy.signalsSchema, parseJsonStrict(req.signals));
      if (!v.ok) throw new Error('invalid sample');
      const fingerprint = executionFingerprint(req.policyId, req.policyVersion, v.signals);
      const decision = evaluate(policy, v.signals);
      const body = buildAttestationBody({
        executionId: req.executionId,
        policyId: req.policyId,
        policyVersion: req.policyVersion,
        schemaVersion: '1.0.0',
        signals: v.signals,
        fingerprint,
        decision,
        bundleHash: policy.policyHash,
        trustRootVersion: 1,
        releaseManifestHash: policy.policyHash,
        runtimeVersion: 'bench',
        signerKeyId: signer.keyId,
        requestedAt: req.requestedAt,
        provenance: { topic: 'parmana.requests', partition: i % 12, offset: String(i) },
      });
      bytes += attestationType.toBuffer(toAttestationRecord(body, signAttestation(body, signer), null)).length;
    }
    if (bytes === 0) throw new Error('nothing encoded');
    return Number(process.hrtime.bigint() - started) / 1000 / encoded.length;
  };
  once(); // warm-up: JIT, caches
  const us = Array.from({ length: runs }, once);
  return { usPerDecision: summarize(us), ceilingPerCore: summarize(us.map((u) => 1_000_000 / u)) };
}
