import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgLogStore } from '../../api/log/PgLogStore.js';
import { consistencyProof, inclusionProof } from '../../api/log/logProofs.js';
import { PAYLOAD_TYPES, signCanonical } from '../../core/dsse/Envelope.js';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import { leafHash } from '../../core/log/merkleHashes.js';
import { MemoryMerkleTree } from '../../core/log/MemoryMerkleTree.js';
import { verifyCheckpoint } from '../../core/log/verifyCheckpoint.js';
import { verifyConsistency } from '../../core/log/verifyConsistency.js';
import { verifyInclusion } from '../../core/log/verifyInclusion.js';
import type { KafkaClient, OutgoingRecord, Producer } from '../../kafka/KafkaClient.js';
import { loadConfig, type Config } from '../../ops/config/config.js';
import { provision } from '../../ops/provision/provision.js';
import { sampleAttestationRecord } from '../../test/fixtures/sampleAttestation.js';
import { SEED_1, SEED_2, SEED_3, signerFromSeed, trustRoot } from '../../test/fixtures/testTrust.js';
import { freshDatabase } from '../../test/freshDatabase.js';
import { testKafkaClient } from '../../test/testKafka.js';
import { AvroCodec } from '../../shared/codec/AvroCodec.js';
import type { OverrideResult } from '../../shared/records/OverrideResult.js';
import { OutcomeSigner } from '../worker/OutcomeSigner.js';
import { decisionsProjection } from '../sinks/decisionsProjection.js';
import { overridesProjection } from '../sinks/overridesProjection.js';
import type { Projection, VerifiedValue } from '../sinks/Projection.js';
import { rejectionsProjection } from '../sinks/rejectionsProjection.js';
import type { AppendResult, InTransaction, LogAppender, SignedCheckpointRow } from './LogAppender.js';
import type { LogAppendInput } from './LogAppendInput.js';
import { PgLogAppender } from './PgLogAppender.js';
import { runLogWriter } from './runLogWriter.js';

// The log writer on real Kafka topics (this file's own), a real registry and a fresh Postgres database.

const WORKER_KEY = signerFromSeed(SEED_1);
const LOG_KEY = signerFromSeed(SEED_3);
const ROOT = trustRoot(1, [
  { signer: WORKER_KEY, purposes: ['attestation-signing'] },
  { signer: LOG_KEY, purposes: ['log-signing'] },
]);
const ORIGIN = 'parmana.test/writer-int';
const id = randomBytes(5).toString('hex');

/**
 * The real appender, counting what it appended and what it found already logged. With `failAfterCommit` the next
 * batch that appends anything throws after its COMMIT, as a writer whose process fails before the offset commit.
 */
class CountingAppender implements LogAppender {
  appended = 0;
  duplicates = 0;
  failAfterCommit = false;
  failedBatch = 0;

  constructor(readonly inner: PgLogAppender) {}

  get size(): number {
    return this.inner.size;
  }

  get checkpointedSize(): number {
    return this.inner.checkpointedSize;
  }

  get latestCheckpoint(): SignedCheckpointRow | null {
    return this.inner.latestCheckpoint;
  }

  async append(inputs: readonly LogAppendInput[], alsoWrite?: InTransaction): Promise<AppendResult> {
    const r = await this.inner.append(inputs, alsoWrite);
    this.appended += r.appended;
    this.duplicates += r.duplicates;
    if (this.failAfterCommit && r.appended > 0) {
      this.failAfterCommit = false;
      this.failedBatch = r.appended;
      throw new Error('simulated failure after the Postgres COMMIT, before the Kafka offset commit');
    }
    return r;
  }

  checkpoint(...args: Parameters<LogAppender['checkpoint']>): Promise<SignedCheckpointRow | null> {
    return this.inner.checkpoint(...args);
  }
}

/**
 * The real client, whose group consumers drop their offset commits while `crashed.dropCommits` is set: what Kafka
 * keeps when the writer dies after its Postgres COMMIT and before the offset commit.
 */
function withLostCommits(inner: KafkaClient, crashed: { dropCommits: boolean; dropped: number }): KafkaClient {
  return {
    name: inner.name,
    sendConcurrency: inner.sendConcurrency,
    producer: (o) => inner.producer(o),
    tail: (o) => inner.tail(o),
    transactionalProducer: () => Promise.reject(new Error('not used by the log writer')),
    groupConsumer: (o) => {
      const consumer = inner.groupConsumer(o);
      return {
        run: (handler) => consumer.run(handler),
        stop: () => consumer.stop(),
        commit: async (offsets) => {
          if (crashed.dropCommits) crashed.dropped += 1;
          else await consumer.commit(offsets);
        },
      };
    },
  };
}

let db: Awaited<ReturnType<typeof freshDatabase>>;
let config: Config;
let pool: pg.Pool;
let kafka: KafkaClient;
let producer: Producer;
let codec: AvroCodec;
// Whatever a failed test left running is stopped before the database is dropped.
const running = new Set<{ stop(): Promise<void> }>();

beforeAll(async () => {
  db = await freshDatabase();
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATABASE_URL: db.url,
    PARMANA_CLIENT_ID: `int-${id}`,
  };
  for (const t of ['REQUESTS', 'ATTESTATIONS', 'REJECTIONS', 'OVERRIDES', 'SECURITY_EVENTS', 'VERIFICATIONS'])
    env[`PARMANA_TOPIC_${t}`] = `int.${id}.${t.toLowerCase()}`;
  for (const t of ['API_CALLS', 'DEAD_LETTER', 'HEARTBEATS', 'LOG_CHECKPOINTS'])
    env[`PARMANA_TOPIC_${t}`] = `int.${id}.${t.toLowerCase()}`;
  config = loadConfig(env, 'stack');
  // The product's own provisioning: topics with their partition counts, schemas, migrations.
  await provision(config, process.cwd(), () => undefined);
  pool = new pg.Pool({ connectionString: db.url, max: 3 });
  // The database is dropped WITH (FORCE) at the end: an idle client's FATAL 57P01 then must not be uncaught.
  pool.on('error', () => undefined);
  kafka = await testKafkaClient();
  producer = await kafka.producer({ clientId: `int-${id}-outcomes` });
  codec = new AvroCodec(config.schemaRegistryUrl);
});

afterAll(async () => {
  for (const r of running) await r.stop().catch(() => undefined);
  await producer.disconnect();
  await pool.end();
  await db.drop();
});

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const attestation = async (n: number): Promise<OutgoingRecord> => {
  const executionId = `a-${n}`;
  const value = await codec.encode(config.topicAttestations, sampleAttestationRecord(WORKER_KEY, executionId));
  return { topic: config.topicAttestations, key: executionId, value };
};

const outcomeSigner = new OutcomeSigner(WORKER_KEY, {
  trustRootVersion: 1,
  releaseManifestHash: '0'.repeat(64),
  runtimeVersion: 'test',
});

const rejection = async (n: number): Promise<OutgoingRecord> => {
  const executionId = `r-${n}`;
  const record = await outcomeSigner.rejection(
    { topic: config.topicRequests, partition: 0, offset: String(n), timestamp: '0', key: null, value: null },
    {
      executionId,
      policyId: 'loan-approval',
      policyVersion: '1.0.0',
      signals: '{}',
      requestedAt: '2026-01-01T00:00:00Z',
      requestedBy: null,
      traceparent: null,
    },
    new ParmanaError('INV-013'),
  );
  return { topic: config.topicRejections, key: executionId, value: await codec.encode(config.topicRejections, record) };
};

/** A signed override result (logged) or an override command (not a signed outcome: skipped). */
const override = async (n: number, kind: 'result' | 'command'): Promise<OutgoingRecord> => {
  const executionId = `o-${n}`;
  const facts = { executionId, approved: true, approvedBy: 'dana', approverRole: 'approver', reason: 'ok' };
  let value: object;
  if (kind === 'command') {
    value = { command: { commandId: `c-${n}`, ...facts, requestedAt: '2026-01-01T00:00:00Z' }, result: null };
  } else {
    const signed = signCanonical(PAYLOAD_TYPES.override, { ...facts, status: 'approved' }, WORKER_KEY);
    const result: OverrideResult = {
      commandId: `c-${n}`,
      ...facts,
      status: 'approved',
      code: null,
      decidedAt: '2026-01-01T00:00:01Z',
      payloadType: PAYLOAD_TYPES.override,
      payload: signed.payload,
      signature: signed.signature.toString('base64'),
      signerKeyId: signed.keyId,
    };
    value = { command: null, result };
  }
  return { topic: config.topicOverrides, key: executionId, value: await codec.encode(config.topicOverrides, value) };
};

const projections = (): Projection<VerifiedValue>[] => [
  decisionsProjection(config.topicAttestations),
  rejectionsProjection(config.topicRejections),
  overridesProjection(config.topicOverrides),
];

async function startWriter(
  client: KafkaClient,
  groupId: string,
  audit: readonly Projection<VerifiedValue>[] = projections(),
): Promise<{ appender: CountingAppender; stats: { refused: number; rows: number }; stop: () => Promise<void> }> {
  const appender = new CountingAppender(await PgLogAppender.open({ databaseUrl: db.url }));
  const writer = await runLogWriter({
    kafka: client,
    codec,
    appender,
    topics: {
      attestations: config.topicAttestations,
      rejections: config.topicRejections,
      overrides: config.topicOverrides,
      checkpoints: config.topicLogCheckpoints,
      deadLetter: config.topicDeadLetter,
      securityEvents: config.topicSecurityEvents,
    },
    trustRoot: () => ROOT,
    projections: audit,
    clientId: `int-${id}`,
    groupId,
    origin: ORIGIN,
    signer: LOG_KEY,
    checkpointIntervalMs: 300,
    checkpointEntries: 100,
    log: pino({ level: 'warn' }),
  }).catch(async (err: unknown) => {
    await appender.inner.close();
    throw err;
  });
  const handle = {
    appender,
    stats: writer.stats,
    stop: async () => {
      running.delete(handle);
      await writer.stop();
      await appender.inner.close();
    },
  };
  running.add(handle);
  return handle;
}

const many = (n: number, from: number, make: (i: number) => Promise<OutgoingRecord>): Promise<OutgoingRecord>[] =>
  Array.from({ length: n }, (_, i) => make(from + i));

describe('log writer (real Kafka, registry and Postgres)', () => {
  it('gives each outcome one consecutive index however often it is delivered; checkpoints verify on table and topic', async () => {
    const at = new Date().toISOString();
    const group = `int-${id}-log-writer`;
    const crashed = { dropCommits: false, dropped: 0 };
    const client = withLostCommits(kafka, crashed);

    // 1. Attestations, rejections, signed override results are logged; override commands are not outcomes.
    const a = await startWriter(client, group);
    const phase1 = await Promise.all([
      ...many(200, 0, attestation),
      ...many(3, 0, (i) => override(i, 'result')),
      ...many(2, 100, (i) => override(i, 'command')),
    ]);
    await producer.send(phase1);
    await until('203 entries', () => a.appender.size === 203);

    // 2. The writer dies after its Postgres COMMITs and before the offset commits of the next 160 outcomes.
    crashed.dropCommits = true;
    const phase2 = await Promise.all([...many(100, 200, attestation), ...many(60, 0, rejection)]);
    await producer.send(phase2);
    await until('363 entries', () => a.appender.size === 363);
    expect(crashed.dropped).toBeGreaterThan(0);
    await a.stop();
    expect(a.appender.appended).toBe(363);
    crashed.dropCommits = false;

    // Restarted in the same group, it is handed those 160 again from the last committed offsets: no new index.
    const b = await startWriter(client, group);
    expect(b.appender.size).toBe(363);
    await until('the uncommitted outcomes to be re-delivered', () => b.appender.duplicates >= phase2.length);
    expect(b.appender.appended).toBe(0);

    // 3. The same outcome records produced a second time (a producer retry) next to new ones; the batch that appends
    // the new ones fails after its COMMIT, so the consumer reads the partition again from its last committed offset.
    b.appender.failAfterCommit = true;
    const again = [...phase1.slice(40, 60), ...phase2.slice(150, 160)];
    await producer.send([...again, ...(await Promise.all(many(10, 500, attestation)))]);
    await until('373 entries', () => b.appender.size === 373);
    expect(b.appender.failedBatch).toBeGreaterThan(0);
    await until(
      'the repeated and the re-read records to be seen',
      () => b.appender.duplicates >= phase2.length + again.length + b.appender.failedBatch,
    );
    await b.stop();
    expect(b.appender.appended).toBe(10);
    expect(b.appender.checkpointedSize).toBe(373);

    // 4. A writer with no committed offset at all (a new group reads everything again) adds nothing.
    const c = await startWriter(kafka, `${group}-replayed`);
    expect(c.appender.size).toBe(373);
    await until('every outcome record re-delivered', () => c.appender.duplicates >= 363 + again.length + 10);
    await c.stop();
    expect(c.appender.appended).toBe(0);

    const rows = (
      await pool.query<{ leaf_index: string; entry: Buffer; leaf_hash: Buffer; kind: string; execution_id: string }>(
        'SELECT leaf_index, entry, leaf_hash, kind, execution_id FROM log_entries ORDER BY leaf_index',
      )
    ).rows;
    expect(rows.map((r) => Number(r.leaf_index))).toEqual(Array.from({ length: 373 }, (_, i) => i));
    const logged = rows.map((r) => `${r.kind}:${r.execution_id}`);
    const expected = [
      ...Array.from({ length: 300 }, (_, i) => `attestation:a-${i}`),
      ...Array.from({ length: 10 }, (_, i) => `attestation:a-${500 + i}`),
      ...Array.from({ length: 60 }, (_, i) => `rejection:r-${i}`),
      ...Array.from({ length: 3 }, (_, i) => `override:o-${i}`),
    ];
    expect(new Set(logged)).toEqual(new Set(expected));
    expect(logged).toHaveLength(expected.length);

    // Each outcome's audit row, written in the same transaction as its entry, exactly once across the redeliveries
    // (the override commands too: they are projected, not logged).
    const audit = await pool.query<{ t: string; n: string; ids: string }>(
      `SELECT 'decisions' AS t, count(*) AS n, count(DISTINCT execution_id) AS ids FROM audit_decisions
       UNION ALL SELECT 'rejections', count(*), count(DISTINCT execution_id) FROM audit_rejections
       UNION ALL SELECT 'override results', count(*), count(DISTINCT command_id) FROM audit_overrides WHERE kind = 'result'
       UNION ALL SELECT 'override commands', count(*), count(DISTINCT command_id) FROM audit_overrides WHERE kind = 'command'`,
    );
    expect(audit.rows.map((r) => [r.t, Number(r.n), Number(r.ids)])).toEqual([
      ['decisions', 310, 310],
      ['rejections', 60, 60],
      ['override results', 3, 3],
      ['override commands', 2, 2],
    ]);
    // The rows carry the verified bodies' facts and the signed bytes, byte for byte as logged.
    const decision = (
      await pool.query<{ action: string; policy_id: string; payload: Buffer }>(
        "SELECT action, policy_id, payload FROM audit_decisions WHERE execution_id = 'a-7'",
      )
    ).rows[0];
    expect([decision?.action, decision?.policy_id]).toEqual(['approve', 'loan-approval']);
    const entry = rows.find((r) => r.execution_id === 'a-7')?.entry.toString('utf8') ?? '';
    expect(entry).toContain(decision?.payload.toString('base64') ?? '-');

    // The root recomputed from the stored entry bytes is the latest checkpoint's root.
    const tree = new MemoryMerkleTree();
    for (const r of rows) {
      expect(leafHash(r.entry).equals(r.leaf_hash)).toBe(true);
      tree.append(leafHash(r.entry));
    }
    const stored = (
      await pool.query<{ tree_size: string; root_hash: Buffer; note: string }>(
        'SELECT tree_size, root_hash, note FROM log_checkpoints ORDER BY tree_size',
      )
    ).rows;
    const latest = stored.at(-1);
    expect(Number(latest?.tree_size)).toBe(373);
    expect(latest?.root_hash.equals(tree.root())).toBe(true);
    expect(stored[0]?.tree_size).toBe('0');
    for (const cp of stored) {
      const v = verifyCheckpoint(cp.note, ROOT, { origin: ORIGIN, at });
      expect(v.size).toBe(Number(cp.tree_size));
      expect(v.rootHash.equals(tree.root(v.size))).toBe(true);
    }

    // Every checkpoint on the topic is a stored one, signed by the log key, and the latest reached the topic.
    const published: string[] = [];
    const tail = kafka.tail({ clientId: `int-${id}-reader`, topics: [config.topicLogCheckpoints], from: 'earliest' });
    await tail.start((records) => {
      for (const r of records) published.push(r.value?.toString('utf8') ?? '');
    });
    try {
      await until('the latest checkpoint on the topic', () => published.includes(latest?.note ?? '-'), 30_000);
    } finally {
      await tail.stop();
    }
    const notes = new Set(stored.map((cp) => cp.note));
    for (const note of published) {
      expect(notes.has(note)).toBe(true);
      expect(verifyCheckpoint(note, ROOT, { origin: ORIGIN, at }).signerKeyId).toBe(LOG_KEY.keyId);
    }

    // Proofs served from the store verify against the signed roots.
    const store = new PgLogStore(pool);
    const proof = await inclusionProof(store, { executionId: 'o-1' });
    expect(proof.treeSize).toBe(373);
    const leaf = rows[proof.leafIndex]?.leaf_hash ?? Buffer.alloc(0);
    const hashes = proof.hashes.map((h) => Buffer.from(h, 'base64'));
    expect(verifyInclusion(proof.leafIndex, proof.treeSize, leaf, hashes, tree.root())).toBe(true);
    const middle = stored.find((cp) => Number(cp.tree_size) > 0 && Number(cp.tree_size) < 373);
    const from = Number(middle?.tree_size ?? 1);
    const consistency = await consistencyProof(store, from, 373);
    const path = consistency.hashes.map((h) => Buffer.from(h, 'base64'));
    expect(verifyConsistency(from, 373, tree.root(from), tree.root(), path)).toBe(true);
  }, 240_000);

  it('refuses outcomes whose signature does not verify: not logged, dead-lettered with their code, a critical signature_failure event each; the log stays consistent', async () => {
    const at = new Date().toISOString();
    const before = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM log_entries')).rows[0]?.n);
    // Forged by a principal that may write the topic (the admin, here): a key the trust root does not know, a
    // signature of another body, and an attestation envelope on the rejections topic.
    const unknownKey = sampleAttestationRecord(signerFromSeed(SEED_2), 'forged-unknown-key');
    const genuine = sampleAttestationRecord(WORKER_KEY, 'forged-signature');
    const other = sampleAttestationRecord(WORKER_KEY, 'someone-else');
    const badSignature = { ...genuine, signature: other.signature };
    const wrongTopic = sampleAttestationRecord(WORKER_KEY, 'forged-type');
    await producer.send([
      {
        topic: config.topicAttestations,
        key: 'forged-unknown-key',
        value: await codec.encode(config.topicAttestations, unknownKey),
      },
      {
        topic: config.topicAttestations,
        key: 'forged-signature',
        value: await codec.encode(config.topicAttestations, badSignature),
      },
      {
        topic: config.topicRejections,
        key: 'forged-type',
        value: await codec.encode(config.topicRejections, {
          ...wrongTopic,
          policyId: 'p',
          policyVersion: '1',
          code: 'VAL-001',
          message: 'm',
          path: null,
          traceparent: null,
        }),
      },
      await attestation(900),
    ]);

    const dead: { key: string; reason: string | undefined; source: string | undefined }[] = [];
    const events: { eventType: string; severity: string; source: string; code: string | null; executionId: string }[] =
      [];
    const tail = kafka.tail({
      clientId: `int-${id}-refusals`,
      topics: [config.topicDeadLetter, config.topicSecurityEvents],
      from: 'earliest',
    });
    await tail.start(async (records) => {
      for (const r of records) {
        if (r.topic === config.topicDeadLetter) {
          dead.push({
            key: r.key?.toString('utf8') ?? '',
            reason: r.headers['parmana-dlq-reason'],
            source: r.headers['parmana-dlq-source-topic'],
          });
        } else {
          events.push((await codec.decode(r.value)) as (typeof events)[number]);
        }
      }
    });
    const w = await startWriter(kafka, `int-${id}-log-writer-refusals`);
    try {
      await until('the genuine outcome to be logged', () => w.appender.size === before + 1);
      await until('three refusals', () => w.stats.refused >= 3 && dead.length >= 3 && events.length >= 3, 30_000);
    } finally {
      await w.stop();
      await tail.stop();
    }
    const byKey = new Map(dead.map((d) => [d.key, d]));
    expect(byKey.get('forged-unknown-key')).toEqual({
      key: 'forged-unknown-key',
      reason: 'ATT-006',
      source: config.topicAttestations,
    });
    expect(byKey.get('forged-signature')).toEqual({
      key: 'forged-signature',
      reason: 'ATT-005',
      source: config.topicAttestations,
    });
    expect(byKey.get('forged-type')).toEqual({ key: 'forged-type', reason: 'ATT-002', source: config.topicRejections });
    expect(new Set(events.map((e) => e.executionId))).toEqual(
      new Set(['forged-unknown-key', 'forged-signature', 'forged-type']),
    );
    for (const e of events) {
      expect(e).toMatchObject({ eventType: 'signature_failure', severity: 'critical', source: 'log-writer' });
    }

    // None of them has an entry; the genuine one has, and the latest checkpoint still matches the stored entries.
    const logged = await pool.query<{ execution_id: string }>(
      "SELECT execution_id FROM log_entries WHERE execution_id LIKE 'forged-%' OR execution_id = 'a-900'",
    );
    expect(logged.rows.map((r) => r.execution_id)).toEqual(['a-900']);
    // Nor an audit row: the same single check decided both.
    const projected = await pool.query<{ execution_id: string }>(
      `SELECT execution_id FROM audit_decisions WHERE execution_id LIKE 'forged-%' OR execution_id = 'a-900'
       UNION ALL SELECT execution_id FROM audit_rejections WHERE execution_id LIKE 'forged-%'`,
    );
    expect(projected.rows.map((r) => r.execution_id)).toEqual(['a-900']);
    const rows = (await pool.query<{ entry: Buffer }>('SELECT entry FROM log_entries ORDER BY leaf_index')).rows;
    const tree = new MemoryMerkleTree();
    for (const r of rows) tree.append(leafHash(r.entry));
    const latest = (
      await pool.query<{ note: string }>('SELECT note FROM log_checkpoints ORDER BY tree_size DESC LIMIT 1')
    ).rows[0];
    const v = verifyCheckpoint(latest?.note ?? '', ROOT, { origin: ORIGIN, at });
    expect(v.size).toBe(before + 1);
    expect(v.rootHash.equals(tree.root())).toBe(true);
  }, 120_000);

  it('appends entries and writes their audit rows in one transaction: a failed row write leaves no entry behind', async () => {
    const before = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM log_entries')).rows[0]?.n);
    const decisions = decisionsProjection(config.topicAttestations);
    let failures = 0;
    const failingOnce: Projection<VerifiedValue> = {
      ...decisions,
      async write(client, records) {
        const n = await decisions.write(client, records);
        // Only a transaction that also appends new entries (these five were never logged) proves the point.
        const fresh = records.some((r) => (r.value as { executionId: string }).executionId.startsWith('a-70'));
        if (failures === 0 && fresh) {
          failures += 1;
          throw new Error('simulated failure after the audit rows, before COMMIT');
        }
        return n;
      },
    };
    const w = await startWriter(kafka, `int-${id}-log-writer-atomic`, [failingOnce]);
    try {
      await producer.send(await Promise.all(many(5, 700, attestation)));
      await until('the five new outcomes logged', () => w.appender.size === before + 5);
    } finally {
      await w.stop();
    }
    expect(failures).toBe(1);
    // The failed transaction took its entries with it: the retried one gave them the next indices, no gap, no fork.
    const indices = (await pool.query<{ i: string }>('SELECT leaf_index AS i FROM log_entries ORDER BY leaf_index'))
      .rows;
    expect(indices.map((r) => Number(r.i))).toEqual(Array.from({ length: before + 5 }, (_, i) => i));
    const rows = await pool.query<{ execution_id: string }>(
      "SELECT execution_id FROM audit_decisions WHERE execution_id LIKE 'a-70_' ORDER BY execution_id",
    );
    expect(rows.rows.map((r) => r.execution_id)).toEqual(['a-700', 'a-701', 'a-702', 'a-703', 'a-704']);
  }, 120_000);
});
