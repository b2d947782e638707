import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, type ParmanaClient } from '../../api/client/createClient.js';
import type { ExecuteRequest, InclusionProofResponse } from '../../api/contract.js';
import type { TrustRoot } from '../../core/trust/TrustRoot.js';
import { verifyCheckpoint } from '../../core/log/verifyCheckpoint.js';
import { verifyConsistencyFiles, verifyInclusionFile } from '../log/verifyLogFiles.js';

/** Asks until `ask` answers (an ApiError such as LOG-007 "not yet in that tree" means: not yet), for at most 2 minutes. */
async function eventually<T>(ask: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const got = await ask().catch((err: unknown) => {
      if (err instanceof ApiError && Date.now() < deadline) return undefined;
      throw err;
    });
    if (got !== undefined) return got;
    if (Date.now() >= deadline) throw new Error('the transparency log did not catch up within 2 minutes');
    await sleep(500);
  }
}

const short = (b64: string): string => `${Buffer.from(b64, 'base64').toString('hex').slice(0, 16)}…`;

/**
 * The transparency log through the API, checked here against the trust root only: a signed checkpoint, then one
 * new decision, its attestation's inclusion proof under the next checkpoint, and the consistency proof between the
 * two checkpoints.
 */
export async function logDemo(o: {
  readonly client: ParmanaClient;
  readonly trust: TrustRoot;
  readonly origin: string;
  readonly request: ExecuteRequest;
  readonly print: (line: string) => void;
}): Promise<boolean> {
  const expect = { at: new Date().toISOString(), origin: o.origin };
  const earlier = await eventually(async () => {
    const cp = await o.client.log.checkpoint();
    return cp.treeSize > 0 ? cp : undefined;
  });
  const signed = verifyCheckpoint(earlier.note, o.trust, expect);
  o.print(
    `transparency log ${signed.origin}: checkpoint of ${signed.size} entries, root ${short(earlier.rootHash)}, ` +
      `signed by log key ${signed.signerKeyId.slice(0, 12)}…: verified`,
  );
  const decision = await o.client.execute(o.request);
  const proof: InclusionProofResponse = await eventually(async () => {
    const p = await o.client.log.inclusionProof({ executionId: o.request.executionId });
    return p.checkpoint === null || p.treeSize <= earlier.treeSize ? undefined : p;
  });
  // The attestation POST /execute answered with, not the copy in the proof, is what must be in the log.
  const inclusion = verifyInclusionFile(decision.attestation, proof, proof.checkpoint ?? '', o.trust, expect);
  o.print(
    `  new decision ${o.request.executionId} (${decision.action}) is entry ${proof.leafIndex} of the checkpoint of ` +
      `${proof.treeSize}: inclusion proof (${proof.hashes.length} hashes) ` +
      (inclusion.valid ? 'verified' : `FAILED ${inclusion.problems.join('; ')}`),
  );
  const consistency = await o.client.log.consistencyProof(earlier.treeSize, proof.treeSize);
  const grown = verifyConsistencyFiles(earlier.note, proof.checkpoint ?? '', consistency, o.trust, expect);
  o.print(
    `  checkpoints ${earlier.treeSize} -> ${proof.treeSize}: consistency proof (${consistency.hashes.length} hashes) ` +
      (grown.valid ? 'verified (the log only grew)' : `FAILED ${grown.problems.join('; ')}`),
  );
  return inclusion.valid && grown.valid;
}
