import type { Logger } from 'pino';
import type { SigningPort } from '../../core/crypto/SigningPort.js';
import { isParmanaError } from '../../core/errors/ParmanaError.js';
import type { TrustRoot } from '../../core/trust/TrustRoot.js';
import type { GroupConsumer, KafkaClient, OutgoingRecord, Producer } from '../../kafka/KafkaClient.js';
import { BatchCycle, cycleHandler, type CycleChunk } from '../cycle/BatchCycle.js';
import { cycleGuard } from '../cycle/cycleGuard.js';
import { deadLetterMessage } from '../deadLetter/deadLetterMessage.js';
import type { AvroCodec } from '../../shared/codec/AvroCodec.js';
import type { Projection, VerifiedValue } from '../sinks/Projection.js';
import { failClosed } from '../worker/failClosed.js';
import { recordTimeIso } from '../worker/records.js';
import type { LogAppendInput } from './LogAppendInput.js';
import type { LogAppender, SignedCheckpointRow } from './LogAppender.js';
import { toLogAppendInput, type OutcomeEntry, type OutcomeTopics } from './toLogAppendInput.js';
import { inlineVerifier, type AttestationVerifier } from '../verify/AttestationVerifier.js';
import { signatureFailureEventId } from '../verify/signatureFailureEventId.js';
import { verifyOutcomes } from '../verify/verifyOutcomes.js';

export interface LogWriterOptions {
  readonly kafka: KafkaClient;
  readonly codec: AvroCodec;
  readonly appender: LogAppender;
  readonly topics: OutcomeTopics & {
    readonly checkpoints: string;
    /** Where a refused outcome goes, byte for byte, with its reason code in the headers. */
    readonly deadLetter: string;
    /** Where the critical signature_failure event of a refused outcome goes. */
    readonly securityEvents: string;
  };
  /** The trust root every outcome is verified against before it is appended. */
  readonly trustRoot: () => TrustRoot;
  /** Checks attestations (a thread pool in production); on this thread by default. */
  readonly verifier?: AttestationVerifier;
  /**
   * The audit projections of the outcome topics (decisions, rejections, overrides), written in the append's own
   * transaction with the records that verified: one verification for the log entry and the audit row.
   */
  readonly projections?: readonly Projection<VerifiedValue>[];
  /** Called with true while the writer fails closed (the schema registry down), false when it resumes. */
  readonly onPause?: (paused: boolean) => void;
  readonly clientId: string;
  readonly groupId: string;
  readonly origin: string;
  readonly signer: SigningPort;
  readonly checkpointIntervalMs: number;
  readonly checkpointEntries: number;
  /** How long a silent writer keeps its partitions (a killed writer's successor waits this long at most). */
  readonly sessionTimeoutMs?: number;
  readonly log: Logger;
}

export interface RunningLogWriter {
  readonly stats: {
    appended: number;
    duplicates: number;
    checkpoints: number;
    refused: number;
    /** Audit rows the projections wrote. */
    rows: number;
  };
  stop(): Promise<void>;
}

/**
 * The log writer: a consumer group over the outcome topics, and their audit projection. Each outcome's signature is
 * verified once; one that verifies is appended to the log and projected into its audit table in the same Postgres
 * transaction, one that does not is neither (dead letter and a critical signature_failure event instead). The
 * batches of every partition ready together (a cycle) share that transaction and only then are their offsets
 * committed, so a crash re-delivers batches whose entries are already logged: they are skipped (unique leaf hash,
 * ON CONFLICT for the rows) and nothing gets a second index. Checkpoints are signed every interval or every N
 * entries, stored, then published; a failed publish is retried with the next one.
 */
export async function runLogWriter(o: LogWriterOptions): Promise<RunningLogWriter> {
  const stats = { appended: 0, duplicates: 0, checkpoints: 0, refused: 0, rows: 0 };
  const verifier = o.verifier ?? inlineVerifier(o.trustRoot);
  const projections = new Map((o.projections ?? []).map((p) => [p.topic, p]));
  const producer: Producer = await o.kafka.producer({ clientId: `${o.clientId}-log-checkpoints` });
  // The latest stored checkpoint may not have reached the topic before a crash: publish it again (readers take a
  // repeated note as what it is, the same checkpoint), then sign a new one if the log grew.
  let unpublished: SignedCheckpointRow | null = o.appender.latestCheckpoint;
  let stopping = false;

  async function checkpointNow(): Promise<void> {
    const signed = await o.appender.checkpoint(o.origin, o.signer);
    if (signed !== null) {
      stats.checkpoints += 1;
      unpublished = signed;
    }
    const pending = unpublished;
    if (pending === null) return;
    try {
      await producer.send([{ topic: o.topics.checkpoints, key: o.origin, value: Buffer.from(pending.note, 'utf8') }]);
      if (unpublished === pending) unpublished = null;
    } catch (err) {
      o.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'checkpoint publish failed; retrying');
    }
  }

  await checkpointNow();
  let ticking = Promise.resolve();
  const timer = setInterval(() => {
    ticking = ticking.then(checkpointNow).catch((err: unknown) => {
      o.log.error({ err: err instanceof Error ? err.message : String(err) }, 'checkpoint failed');
    });
  }, o.checkpointIntervalMs);

  const consumer: GroupConsumer = o.kafka.groupConsumer({
    clientId: `${o.clientId}-log-writer`,
    groupId: o.groupId,
    topics: [o.topics.attestations, o.topics.rejections, o.topics.overrides],
    fromBeginning: true,
    maxBatchRecords: 2000,
    // Every partition hands its batch to the next cycle: one Postgres transaction and one offset commit for all.
    concurrency: 1_000,
    // Off the request path, like the sinks: fewer, larger fetches and appends.
    minFetchBytes: 64 * 1024,
    lingerMs: 50,
    ...(o.sessionTimeoutMs === undefined
      ? {}
      : {
          sessionTimeoutMs: o.sessionTimeoutMs,
          heartbeatIntervalMs: Math.max(250, Math.floor(o.sessionTimeoutMs / 6)),
        }),
  });

  /** What a cycle appends and projects, and what it sends first: dead letters and signature_failure events. */
  interface Examined {
    readonly inputs: LogAppendInput[];
    readonly rows: Map<Projection<VerifiedValue>, VerifiedValue[]>;
    readonly send: OutgoingRecord[];
    refused: number;
  }

  const project = (rows: Examined['rows'], value: VerifiedValue): void => {
    const projection = projections.get(value.source.topic);
    if (projection === undefined) return;
    const list = rows.get(projection) ?? [];
    rows.set(projection, list);
    list.push(value);
  };

  async function examine(chunks: readonly CycleChunk[]): Promise<Examined> {
    const guard = cycleGuard(chunks, { running: () => !stopping, log: o.log, onPause: o.onPause });
    const out: Examined = { inputs: [], rows: new Map(), send: [], refused: 0 };
    const signed: { value: VerifiedValue; entry: OutcomeEntry; raw: CycleChunk['records'][number] }[] = [];
    for (const chunk of chunks) {
      for (const r of chunk.records) {
        const source = { topic: chunk.topic, partition: chunk.partition, offset: r.offset };
        let decoded: unknown;
        try {
          // The registry down: wait (nothing appended, no offset committed) rather than skip.
          decoded = await failClosed(() => o.codec.decode(r.value), { ...guard, what: 'schema registry' });
        } catch (err) {
          if (!isParmanaError(err)) throw err;
          // No signed outcome the log could commit to: kept byte for byte on the dead-letter topic.
          o.log.warn({ ...source, code: err.code }, 'undecodable outcome record: dead-lettered');
          out.send.push({
            topic: o.topics.deadLetter,
            ...deadLetterMessage({ ...source, key: r.key, value: r.value }, err),
          });
          continue;
        }
        const value: VerifiedValue = { source, value: decoded, writtenAt: recordTimeIso(r) };
        const entry = toLogAppendInput(o.topics, source, decoded, value.writtenAt);
        // Override commands (unsigned, from the API) have nothing to verify or log: audit rows only.
        if (entry === undefined) project(out.rows, value);
        else signed.push({ value, entry, raw: r });
      }
    }
    const checks = await verifyOutcomes(
      signed.map((s) => s.entry.signed),
      o.trustRoot(),
      verifier,
    );
    for (const [i, { value, entry, raw }] of signed.entries()) {
      const check = checks[i];
      if (check?.valid === true) {
        out.inputs.push(entry.input);
        project(out.rows, check.attestation === undefined ? value : { ...value, attestation: check.attestation });
        continue;
      }
      // Neither logged nor projected: the log commits to what the worker signed, and this was not (forged, corrupt).
      const problems = check?.problems ?? [];
      const code = problems[0] ?? 'ATT-005';
      const s = entry.signed;
      const source = value.source;
      o.log.error({ ...source, code, executionId: s.executionId }, 'outcome signature does not verify: refused');
      out.refused += 1;
      out.send.push(
        {
          topic: o.topics.deadLetter,
          ...deadLetterMessage(
            { ...source, key: raw.key, value: raw.value },
            { code, message: `log writer: signature does not verify (${problems.join(', ')})` },
          ),
        },
        {
          topic: o.topics.securityEvents,
          key: s.executionId,
          value: await o.codec.encode(o.topics.securityEvents, {
            // By content: a redelivery yields the same id.
            eventId: signatureFailureEventId(s, 'log-writer'),
            eventType: 'signature_failure',
            severity: 'critical',
            executionId: s.executionId,
            source: 'log-writer',
            code,
            detail: JSON.stringify({ problems, signerKeyId: s.signerKeyId, kind: s.kind, ...source }),
            occurredAt: value.writtenAt,
          }),
        },
      );
    }
    return out;
  }

  // A cycle appends the batches of every partition ready together in one transaction, then commits their offsets.
  // Cycles overlap (the next appends while the previous commits) only across partitions; a crash before the commit
  // re-delivers entries that are already logged, which the unique leaf hash skips.
  const cycles = new BatchCycle<void>(
    async (chunks) => {
      const { inputs, rows, send, refused } = await examine(chunks);
      // Sent before the offsets are committed: a crash re-sends them (same event id), never loses them.
      if (send.length > 0) {
        await producer.send(send);
        stats.refused += refused;
      }
      let written = 0;
      const result = await o.appender.append(inputs, async (client) => {
        for (const [projection, values] of rows) written += await projection.write(client, values);
      });
      stats.appended += result.appended;
      stats.duplicates += result.duplicates;
      stats.rows += written;
    },
    async (_, offsets) => {
      await consumer.commit(offsets);
      if (!stopping && o.appender.size - Math.max(0, o.appender.checkpointedSize) >= o.checkpointEntries) {
        ticking = ticking.then(checkpointNow).catch((err: unknown) => {
          o.log.error({ err: err instanceof Error ? err.message : String(err) }, 'checkpoint failed');
        });
      }
    },
    4 * 1_048_576,
  );

  await consumer.run(cycleHandler(cycles, (r) => r.value?.length ?? 0));

  return {
    stats,
    async stop() {
      stopping = true;
      await consumer.stop();
      clearInterval(timer);
      await ticking;
      try {
        await checkpointNow();
      } finally {
        await producer.disconnect();
      }
    },
  };
}
