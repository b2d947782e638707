import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { verifyAttestation } from '../../core/attestation/verifyAttestation.js';
import { envelopeOf } from '../../shared/records/envelopeOf.js';
import { createExecutionProducer } from '../../producers/createExecutionProducer.js';
import type { Config } from '../config/config.js';
import { loadTrustRoot } from '../trust/trustFiles.js';
import { ApiError, createClient } from '../../api/client/createClient.js';
import type { TrustRoot } from '../../core/trust/TrustRoot.js';
import { waitForApiAddress } from '../cli/apiAddress.js';
import { addApiKey } from '../cli/commands/api.js';
import { logDemo } from './logDemo.js';
import { sampleRequests } from './sampleRequests.js';
import { SERVICE_ENV, SERVICE_NODE_FLAGS } from '../runtime/serviceNodeFlags.js';
import { kafkaConnection } from '../runtime/kafkaConnection.js';
import { databaseUrlAs } from '../runtime/databaseConnection.js';

function startChild(
  root: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  print: (l: string) => void,
): ChildProcess {
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, join(root, 'bin/parmana.js'), ...args], {
    cwd: root,
    env: { ...env, ...SERVICE_ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.resume();
  child.stderr.on('data', (d: Buffer) => {
    print(`[${args[0] ?? ''}] ${d.toString().trimEnd()}`);
  });
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(20_000).then(() => child.kill('SIGKILL'))]);
}

/**
 * The product's main job on the local stack: start the worker, the sinks and the log writer, push a sample workload
 * through Kafka, wait until every request has its outcome in the audit tables, verify the signed rows, then the same
 * through the API, ending with the transparency log's proofs; print a summary.
 */
export async function runDemo(
  config: Config,
  root: string,
  env: NodeJS.ProcessEnv,
  count: number,
  print: (l: string) => void,
): Promise<boolean> {
  const prefix = `demo-${Date.now().toString(36)}`;
  const requests = sampleRequests({ count, prefix, replayRatio: 0.02, invalidRatio: 0.02, seed: Date.now() % 2 ** 31 });
  const worker = startChild(root, ['worker'], env, print);
  const sinks = startChild(root, ['sinks'], env, print);
  const logWriter = startChild(root, ['log', 'writer'], env, print);
  // The demo only reads the audit tables: as the API's read-only role.
  const pool = new pg.Pool({ connectionString: databaseUrlAs(config, 'api', root), max: 2 });
  try {
    const producer = createExecutionProducer({
      brokers: config.kafkaBrokers,
      sasl: kafkaConnection(config, 'producer', root).sasl,
      clientId: `${config.clientId}-demo`,
      registryUrl: config.schemaRegistryUrl,
      topic: config.topicRequests,
      maxRequestBytes: config.maxRequestBytes,
    });
    await producer.connect();
    const started = Date.now();
    for (let i = 0; i < requests.length; i += 500) await producer.submitBatch(requests.slice(i, i + 500));
    await producer.disconnect();
    print(`produced ${requests.length} requests (${prefix}-*) to ${config.topicRequests}`);
    const like = `${prefix}-%`;
    let outcomes = 0;
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      const r = await pool.query<{ n: string }>(
        `SELECT (SELECT count(*) FROM audit_decisions WHERE execution_id LIKE $1) + (SELECT count(*) FROM audit_rejections WHERE execution_id LIKE $1) AS n`,
        [like],
      );
      outcomes = Number(r.rows[0]?.n ?? 0);
      if (outcomes >= requests.length) break;
      if (worker.exitCode !== null || sinks.exitCode !== null)
        throw new Error('worker or sinks exited early (see the log lines above)');
      await sleep(500);
    }
    const seconds = (Date.now() - started) / 1000;
    const actions = await pool.query<{ action: string; n: string }>(
      'SELECT action, count(*) AS n FROM audit_decisions WHERE execution_id LIKE $1 GROUP BY action ORDER BY action',
      [like],
    );
    const codes = await pool.query<{ code: string; n: string }>(
      'SELECT code, count(*) AS n FROM audit_rejections WHERE execution_id LIKE $1 GROUP BY code ORDER BY code',
      [like],
    );
    const sample = await pool.query<{
      payload: Buffer;
      signature: string;
      signer_key_id: string;
      payload_type: string;
    }>(
      'SELECT payload, signature, signer_key_id, payload_type FROM audit_decisions WHERE execution_id LIKE $1 LIMIT 200',
      [like],
    );
    const trust = loadTrustRoot(join(root, config.trustDir));
    const verified = sample.rows.filter(
      (row) =>
        verifyAttestation(
          envelopeOf({
            payload: row.payload,
            signature: row.signature,
            signerKeyId: row.signer_key_id,
            payloadType: row.payload_type,
          }),
          trust,
        ).valid,
    ).length;
    print(`outcomes in the audit tables: ${outcomes}/${requests.length} in ${seconds.toFixed(1)} s`);
    for (const a of actions.rows) print(`  decision ${a.action.padEnd(18)} ${a.n}`);
    for (const c of codes.rows) print(`  rejection ${c.code.padEnd(17)} ${c.n}`);
    print(`signatures re-verified from audit_decisions: ${verified}/${sample.rows.length}`);
    const apiOk = await apiDemo(root, env, prefix, trust, config.logOrigin, print);
    return outcomes === requests.length && verified === sample.rows.length && apiOk;
  } finally {
    await pool.end();
    await stopChild(worker);
    await stopChild(sinks);
    await stopChild(logWriter);
  }
}

/** The same pipeline through the API: synchronous decisions, a replay, an independent verification, an audit read. */
async function apiDemo(
  root: string,
  env: NodeJS.ProcessEnv,
  prefix: string,
  trust: TrustRoot,
  logOrigin: string,
  print: (l: string) => void,
): Promise<boolean> {
  const keysFile = join(mkdtempSync(join(tmpdir(), 'parmana-demo-')), 'api-keys.json');
  const { secret } = addApiKey(keysFile, 'demo', ['admin']);
  const api = startChild(root, ['api'], { ...env, API_PORT: '0', PARMANA_API_KEYS_FILE: keysFile }, print);
  try {
    const url = await waitForApiAddress(api);
    const client = createClient({ baseUrl: url, apiKey: secret });
    const requests = sampleRequests({ count: 50, prefix: `${prefix}-api`, replayRatio: 0, invalidRatio: 0, seed: 7 });
    const started = Date.now();
    const answers = await Promise.all(requests.map((r) => client.execute(r)));
    const ms = Date.now() - started;
    const first = answers[0];
    const firstRequest = requests[0];
    if (first === undefined || firstRequest === undefined) return false;
    const replay = await client.execute(firstRequest).catch((e: unknown) => e);
    const replayCode = replay instanceof ApiError ? `${replay.status} ${replay.code}` : 'accepted (wrong)';
    const independent = answers.filter((a) => verifyAttestation(a.attestation, trust).valid).length;
    const verdict = await client.verify(first.attestation);
    print(`API at ${url}: ${answers.length} POST /execute answered in ${ms} ms (all in parallel)`);
    print(
      `  attestations verified locally: ${independent}/${answers.length}; POST /verify: ${verdict.valid ? 'valid' : 'INVALID'}`,
    );
    print(`  the same executionId again: ${replayCode}`);
    const health = await client.health();
    print(
      `  /health: ${health.status}, worker alive ${String(health.worker.alive)}, signing key ${health.signing_key.status}`,
    );
    const [logRequest] = sampleRequests({
      count: 1,
      prefix: `${prefix}-log`,
      replayRatio: 0,
      invalidRatio: 0,
      seed: 9,
    });
    if (logRequest === undefined) return false;
    const logOk = await logDemo({ client, trust, origin: logOrigin, request: logRequest, print });
    return independent === answers.length && verdict.valid && replayCode === '422 INV-013' && logOk;
  } finally {
    await stopChild(api);
  }
}
