import { parentPort, workerData } from 'node:worker_threads';
import { verifyAttestation } from '../../core/attestation/verifyAttestation.js';
import type { Envelope } from '../../core/dsse/Envelope.js';
import type { TrustRoot } from '../../core/trust/TrustRoot.js';

// One thread of the log writer's verifier pool: the trust root arrives once, then batches of envelopes.
const trustRoot = (workerData as { trustRoot: TrustRoot }).trustRoot;
parentPort?.on('message', (m: { id: number; envelopes: readonly Envelope[] }) => {
  parentPort?.postMessage({ id: m.id, results: m.envelopes.map((e) => verifyAttestation(e, trustRoot)) });
});
