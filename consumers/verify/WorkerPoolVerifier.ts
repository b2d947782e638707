import { Worker } from 'node:worker_threads';
import type { AttestationVerification } from '../../core/attestation/verifyAttestation.js';
import type { Envelope } from '../../core/dsse/Envelope.js';
import type { TrustRoot } from '../../core/trust/TrustRoot.js';
import type { AttestationVerifier } from './AttestationVerifier.js';

const VERIFY_THREAD_YOUNG_GENERATION_MB = 8;

interface Job {
  readonly resolve: (r: AttestationVerification[]) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Ed25519 checks on worker threads, so signature verification is not bounded by the log writer's one JavaScript thread:
 * a batch is cut into one slice per thread and the slices are checked in parallel. A thread that dies fails the
 * batches it held (the log writer then re-reads them) and is replaced.
 */
export class WorkerPoolVerifier implements AttestationVerifier {
  private readonly workers: Worker[] = [];
  private readonly jobs = new Map<number, Job>();
  private readonly owner = new Map<number, Worker>();
  private next = 0;
  private closing = false;

  constructor(
    private readonly trustRoot: TrustRoot,
    threads: number,
  ) {
    for (let i = 0; i < threads; i++) this.workers.push(this.spawn());
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('./verifyWorker.js', import.meta.url), {
      workerData: { trustRoot: this.trustRoot },
      // A thread parses one slice of envelopes at a time: a small young generation is enough, and it keeps the
      // service's larger one (SERVICE_NODE_FLAGS) from being copied into every thread's RSS.
      resourceLimits: { maxYoungGenerationSizeMb: VERIFY_THREAD_YOUNG_GENERATION_MB },
    });
    worker.on('message', (m: { id: number; results: AttestationVerification[] }) => {
      const job = this.jobs.get(m.id);
      this.jobs.delete(m.id);
      this.owner.delete(m.id);
      job?.resolve(m.results);
    });
    worker.on('error', (err) => {
      this.fail(worker, err);
    });
    worker.on('exit', (code) => {
      if (this.closing) return;
      this.fail(worker, new Error(`verifier thread exited with code ${code}`));
    });
    return worker;
  }

  private fail(worker: Worker, err: unknown): void {
    for (const [id, w] of this.owner) {
      if (w !== worker) continue;
      this.jobs.get(id)?.reject(err);
      this.jobs.delete(id);
      this.owner.delete(id);
    }
    const i = this.workers.indexOf(worker);
    if (i >= 0 && !this.closing) this.workers[i] = this.spawn();
  }

  private run(worker: Worker, envelopes: readonly Envelope[]): Promise<AttestationVerification[]> {
    return new Promise((resolve, reject) => {
      const id = this.next++;
      this.jobs.set(id, { resolve, reject });
      this.owner.set(id, worker);
      worker.postMessage({ id, envelopes });
    });
  }

  async verifyAll(envelopes: readonly Envelope[]): Promise<AttestationVerification[]> {
    if (envelopes.length === 0) return [];
    const per = Math.ceil(envelopes.length / this.workers.length);
    const slices = this.workers
      .map((w, i) => ({ w, slice: envelopes.slice(i * per, (i + 1) * per) }))
      .filter((s) => s.slice.length > 0);
    const results = await Promise.all(slices.map((s) => this.run(s.w, s.slice)));
    return results.flat();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
