import { afterEach, describe, expect, it } from 'vitest';
import { envelopeOf } from '../../shared/records/envelopeOf.js';
import { logEntryBytes } from '../../core/log/logEntry.js';
import { leafHash } from '../../core/log/merkleHashes.js';
import { MemoryMerkleTree } from '../../core/log/MemoryMerkleTree.js';
import { verifyCheckpoint } from '../../core/log/verifyCheckpoint.js';
import { sampleRequests } from '../../ops/demo/sampleRequests.js';
import { loadTrustRoot } from '../../ops/trust/trustFiles.js';
import { PipelineHarness } from './PipelineHarness.js';

// The transparency log's writer (and the outcomes' audit projection) as a real `parmana log writer` process beside the
// real worker and sinks, killed with SIGKILL in the middle of the flow.

let h: PipelineHarness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function submitAll(p: PipelineHarness, requests: readonly object[]): Promise<void> {
  for (let i = 0; i < requests.length; i += 500) await p.producer.submitBatch(requests.slice(i, i + 500));
}

const logSize = (p: PipelineHarness): Promise<number> => p.count('SELECT count(*) AS n FROM log_entries');

/** Outcome rows of the audit tables (decisions and rejections; no override in these runs): the log writer's too. */
const auditRows = (p: PipelineHarness): Promise<number> =>
  p.count('SELECT (SELECT count(*) FROM audit_decisions) + (SELECT count(*) FROM audit_rejections) AS n');

/** Records on the outcome topics (their end offsets, transaction markers included): they pile up without a writer. */
const onOutcomeTopics = (p: PipelineHarness): Promise<number> =>
  p.admin(async (admin) => {
    let n = 0;
    for (const topic of [p.topics.attestations, p.topics.rejections]) {
      for (const o of await admin.fetchTopicOffsets(topic)) n += Number(o.high);
    }
    return n;
  });

/** A writer session waiting on the log's advisory lock (a standby). */
const standbys = (p: PipelineHarness): Promise<number> =>
  p.count(
    `SELECT count(*) AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
     WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()`,
  );

/**
 * Every request has its outcome in the audit tables, every audit outcome has exactly one log entry and the log has
 * nothing else; indices are 0..n-1; the latest checkpoint is signed by the log key over the root recomputed from the
 * stored entries.
 */
async function expectEveryOutcomeLoggedOnce(p: PipelineHarness, requests: number): Promise<void> {
  await p.waitFor(`${requests} outcome rows`, async () => (await auditRows(p)) >= requests, 180_000);
  expect(await auditRows(p)).toBe(requests);
  await p.waitFor('every outcome in the log', async () => (await logSize(p)) >= requests, 120_000);
  await p.waitFor(
    'a checkpoint of the whole log',
    async () => (await p.count('SELECT coalesce(max(tree_size), 0) AS n FROM log_checkpoints')) >= requests,
    60_000,
  );

  type Signed = { payload: Buffer; payload_type: string; signature: string; signer_key_id: string };
  const outcomes = (
    await p.pool.query<Signed>(
      `SELECT payload, payload_type, signature, signer_key_id FROM audit_decisions
       UNION ALL SELECT payload, payload_type, signature, signer_key_id FROM audit_rejections`,
    )
  ).rows.map((r) =>
    leafHash(
      logEntryBytes(
        envelopeOf({
          payload: r.payload,
          payloadType: r.payload_type,
          signature: r.signature,
          signerKeyId: r.signer_key_id,
        }),
      ),
    ).toString('hex'),
  );
  const entries = (
    await p.pool.query<{ leaf_index: string; leaf_hash: Buffer; entry: Buffer }>(
      'SELECT leaf_index, leaf_hash, entry FROM log_entries ORDER BY leaf_index',
    )
  ).rows;
  // No gap, no duplicate index (leaf_index is the primary key), and exactly the audit outcomes, each once.
  expect(entries.map((e) => Number(e.leaf_index))).toEqual(Array.from({ length: requests }, (_, i) => i));
  const logged = entries.map((e) => e.leaf_hash.toString('hex'));
  expect(new Set(logged).size).toBe(logged.length);
  expect(new Set(logged)).toEqual(new Set(outcomes));

  const tree = new MemoryMerkleTree();
  for (const e of entries) tree.append(leafHash(e.entry));
  const latest = (
    await p.pool.query<{ tree_size: string; root_hash: Buffer; note: string }>(
      'SELECT tree_size, root_hash, note FROM log_checkpoints ORDER BY tree_size DESC LIMIT 1',
    )
  ).rows[0];
  expect(Number(latest?.tree_size)).toBe(requests);
  const verified = verifyCheckpoint(latest?.note ?? '', loadTrustRoot('trust'), { at: new Date().toISOString() });
  expect(verified.size).toBe(requests);
  expect(verified.rootHash.equals(tree.root())).toBe(true);
  expect(latest?.root_hash.equals(tree.root())).toBe(true);
}

describe('log writer under SIGKILL (real processes)', () => {
  it('a writer SIGKILLed in the middle of thousands of outcomes and restarted leaves no gap and no duplicate index', async () => {
    const pipeline = await PipelineHarness.create({ PARMANA_LOG_CHECKPOINT_ENTRIES: '1000' });
    h = pipeline;
    const prefix = `logkill-${Date.now()}`;
    const requests = sampleRequests({ count: 6000, prefix, replayRatio: 0.02, invalidRatio: 0.02, seed: 23 });
    await submitAll(pipeline, requests);
    pipeline.start(['sinks']);
    pipeline.start(['worker']);
    const writer = pipeline.start(['log', 'writer']);
    await pipeline.waitFor('some log entries before the kill', async () => (await logSize(pipeline)) >= 300);
    await pipeline.stop(writer, 'SIGKILL');
    const atKill = await logSize(pipeline);
    expect(atKill).toBeLessThan(requests.length);
    // Entries and audit rows commit together: the killed writer left as many of one as of the other.
    expect(await auditRows(pipeline)).toBe(atKill);
    // The pipeline goes on without the log (nor the outcomes' audit rows): outcomes pile up on the topics, then a new
    // writer catches up.
    await pipeline.waitFor('more outcomes than logged while no writer runs', async () => {
      return (await onOutcomeTopics(pipeline)) > atKill + 100;
    });
    expect(await logSize(pipeline)).toBe(atKill);
    pipeline.start(['log', 'writer']);
    await expectEveryOutcomeLoggedOnce(pipeline, requests.length);
  }, 420_000);

  it('two writers: the standby takes over when the active one is SIGKILLed, and the log stays gapless', async () => {
    const pipeline = await PipelineHarness.create({ PARMANA_LOG_CHECKPOINT_ENTRIES: '500' });
    h = pipeline;
    const prefix = `logstandby-${Date.now()}`;
    const requests = sampleRequests({ count: 3000, prefix, replayRatio: 0.02, invalidRatio: 0.02, seed: 29 });
    const active = pipeline.start(['log', 'writer']);
    // The active writer signs the empty log's checkpoint as soon as it holds the lock.
    await pipeline.waitFor('the first writer to hold the log', async () => {
      return (await pipeline.count('SELECT count(*) AS n FROM log_checkpoints')) > 0;
    });
    const standby = pipeline.start(['log', 'writer']);
    await pipeline.waitFor('the second writer to wait on the lock', async () => (await standbys(pipeline)) === 1);
    pipeline.start(['sinks']);
    pipeline.start(['worker']);
    await submitAll(pipeline, requests);
    await pipeline.waitFor('some log entries before the kill', async () => (await logSize(pipeline)) >= 300);
    await pipeline.stop(active, 'SIGKILL');
    const atKill = await logSize(pipeline);
    expect(atKill).toBeLessThan(requests.length);
    await expectEveryOutcomeLoggedOnce(pipeline, requests.length);
    expect(standby.exitCode).toBeNull();
    expect(await standbys(pipeline)).toBe(0);
  }, 420_000);
});
