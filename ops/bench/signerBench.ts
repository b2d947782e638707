import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KafkaClientName } from '../../kafka/KafkaClient.js';
import type { Config } from '../config/config.js';
import { openSigner, type OpenedSigner } from '../signers/openSigner.js';
import { ensureDevToken } from '../signers/pkcs11/ensureDevToken.js';
import { loadTrustRoot } from '../trust/trustFiles.js';
import { pipelineRun, type PipelineRun } from './pipeline.js';
import { summarize } from './stats.js';

const median = (xs: readonly number[]): number => summarize(xs).median;

export interface SignerBenchOptions {
  readonly config: Config;
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;
  readonly signatures: number;
  readonly count: number;
  readonly runs: number;
  readonly client: KafkaClientName;
  readonly print: (line: string) => void;
}

interface SignatureFigures {
  /** Signatures/s with a worker-sized batch (500) started at once, batches one after the other. */
  readonly batchedPerSecond: number;
  /** Signatures/s one at a time (each awaited before the next): the device's round trip. */
  readonly sequentialPerSecond: number;
}

// About the size of an attestation's DSSE PAE.
const MESSAGE_BYTES = 1_000;

async function signatureFigures(signer: OpenedSigner, n: number): Promise<SignatureFigures> {
  const messages = Array.from({ length: 500 }, () => randomBytes(MESSAGE_BYTES));
  await Promise.all(messages.slice(0, 50).map((m) => signer.signAsync(m)));
  let t = performance.now();
  for (let done = 0; done < n; done += messages.length) await Promise.all(messages.map((m) => signer.signAsync(m)));
  const batched = (Math.ceil(n / messages.length) * messages.length) / ((performance.now() - t) / 1000);
  const sequential = Math.max(200, Math.floor(n / 10));
  t = performance.now();
  for (let i = 0; i < sequential; i++) await signer.signAsync(messages[i % messages.length] ?? Buffer.alloc(0));
  return { batchedPerSecond: batched, sequentialPerSecond: sequential / ((performance.now() - t) / 1000) };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * `bench signer`: the attestation key as a file and on the SoftHSM2 token of `dev init --signer pkcs11`, side by
 * side: signatures/s on their own, then pipeline decisions/s (one worker, the sinks and the log writer) with each.
 */
export async function signerBench(o: SignerBenchOptions): Promise<void> {
  const hsm = await ensureDevToken(join(o.root, '.local/softhsm2'));
  const attestation = hsm.signers.find((s) => s.role === 'attestation-signing');
  const logKey = hsm.signers.find((s) => s.role === 'log-signing');
  if (attestation === undefined || logKey === undefined) throw new Error('dev token without its keys');
  const trust = loadTrustRoot(join(o.root, o.config.trustDir));
  if (!trust.keys.some((k) => k.keyId === attestation.keyId))
    throw new Error('the trust root does not list the SoftHSM2 keys: run `parmana dev init --signer pkcs11` first');
  const fileSigner = await openSigner(o.config.signingKeyFile, o.root);
  const hsmSigner = await openSigner(attestation.uri, o.root);
  const sigs: Record<string, SignatureFigures> = {};
  try {
    sigs.file = await signatureFigures(fileSigner, o.signatures);
    sigs.softhsm2 = await signatureFigures(hsmSigner, o.signatures);
  } finally {
    fileSigner.close();
    hsmSigner.close();
  }
  const { print } = o;
  print(`signatures of ${MESSAGE_BYTES}-byte messages (${o.signatures} per figure)`);
  print('| signer | batched (500 at once) sig/s | one at a time sig/s |');
  print('| --- | ---: | ---: |');
  for (const [kind, f] of Object.entries(sigs))
    print(`| ${kind} | ${fmt(f.batchedPerSecond)} | ${fmt(f.sequentialPerSecond)} |`);

  const hsmEnv: NodeJS.ProcessEnv = {
    ...o.env,
    SOFTHSM2_CONF: hsm.conf,
    PARMANA_SIGNER: attestation.uri,
    PARMANA_LOG_SIGNER: logKey.uri,
  };
  const fileEnv: NodeJS.ProcessEnv = { ...o.env, PARMANA_SIGNER: '', PARMANA_LOG_SIGNER: '' };
  const pipelines: Record<string, PipelineRun[]> = { file: [], softhsm2: [] };
  for (let run = 0; run < o.runs; run++) {
    // Alternated so that drift of the shared machine affects both alike.
    pipelines.file?.push(await pipelineRun(o.config, o.root, fileEnv, o.count, 100 + run, o.client));
    pipelines.softhsm2?.push(await pipelineRun(o.config, o.root, hsmEnv, o.count, 100 + run, o.client));
  }
  print(`pipeline: ${o.count} requests, ${o.client}, median of ${o.runs}`);
  print(
    '| signer | decisions/s (to audit rows) | worker decisions/s (lag 0) | worker CPU µs/decision | exactly once |',
  );
  print('| --- | ---: | ---: | ---: | --- |');
  for (const [kind, runs] of Object.entries(pipelines)) {
    print(
      `| ${kind} | ${fmt(median(runs.map((r) => r.decisionsPerSecond)))} | ${fmt(
        median(runs.map((r) => r.workerDecisionsPerSecond)),
      )} | ${fmt(median(runs.map((r) => r.workerCpuUsPerDecision)))} | ${runs.every((r) => r.exactlyOnce.ok) ? 'yes' : 'NO'} |`,
    );
  }
  mkdirSync(join(o.root, 'bench-results'), { recursive: true });
  const file = join(o.root, 'bench-results', `signer-${new Date().toISOString().replaceAll(':', '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ signatures: sigs, pipelines }, null, 2)}\n`);
  print(`results written to ${file}`);
}
