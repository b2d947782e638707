import type { Logger } from 'pino';
import type { SigningPort } from '../../core/crypto/SigningPort.js';
import type { TrustRoot } from '../../core/trust/TrustRoot.js';
import type { GroupConsumer, KafkaClient, KafkaRecord, OutgoingRecord, Producer } from '../../kafka/KafkaClient.js';
import { BatchCycle, cycleHandler } from '../cycle/BatchCycle.js';
import { deadLetterMessage } from '../deadLetter/deadLetterMessage.js';
import type { AvroCodec } from '../../shared/codec/AvroCodec.js';
import { recordTimeIso } from '../worker/records.js';
import type { LogAppendInput } from './LogAppendInput.js';
import type { LogAppender, SignedCheckpointRow } from './LogAppender.js';
import { toLogAppendInput, type OutcomeTopics } from './toLogAppendInput.js';
import { signatureFailureEventId } from '../verify/signatureFailureEventId.js';
import { verifyOutcome } from '../verify/verifyOutcome.js';

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
  readonly stats: { appended: number; duplicates: number; checkpoints: number; refused: number };
  stop(): Promise<void>;
}

/**
 * The log writer: a consumer group over the outcome topics. The batches of every partition ready together (a cycle)
 * are appended in one Postgres transaction and only then are their offsets committed, so a crash re-delivers
 * batches whose entries are already logged: they are
 * skipped (unique leaf hash) and nothing gets a second index. Checkpoints are signed every interval or every N
 * entries, stored, then published; a failed publish is retried with the next one.
 */
export async function runLogWriter(o: LogWriterOptions): Promise<RunningLogWriter> {
  const stats = { appended: 0, duplicates: 0, checkpoints: 0, refused: 0 };
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

  /** The entries to append, and what to send first for each record refused: its dead letter and its security event. */
  async function decode(
    records: readonly Omit<KafkaRecord, 'headers'>[],
  ): Promise<{ inputs: LogAppendInput[]; refused: [OutgoingRecord, OutgoingRecord][] }> {
    const inputs: LogAppendInput[] = [];
    const refused: [OutgoingRecord, OutgoingRecord][] = [];
    for (const r of records) {
      const source = { topic: r.topic, partition: r.partition, offset: r.offset };
      let value: unknown;
      try {
        value = await o.codec.decode(r.value);
      } catch (err) {
        // The sinks dead-letter the same record; it is no signed outcome the log could commit to.
        o.log.warn({ ...source, err: err instanceof Error ? err.message : String(err) }, 'undecodable record skipped');
        continue;
      }
      const outcome = toLogAppendInput(o.topics, source, value, recordTimeIso(r));
      if (outcome === undefined) continue;
      const check = verifyOutcome(outcome.signed, o.trustRoot());
      if (check.valid) {
        inputs.push(outcome.input);
        continue;
      }
      // Never logged: the log commits to what the worker signed, and this was not (a forged or corrupted record).
      const code = check.problems[0] ?? 'ATT-005';
      const s = outcome.signed;
      o.log.error({ ...source, code, executionId: s.executionId }, 'outcome signature does not verify: not logged');
      refused.push([
        {
          topic: o.topics.deadLetter,
          ...deadLetterMessage(r, {
            code,
            message: `log writer: signature does not verify (${check.problems.join(', ')})`,
          }),
        },
        {
          topic: o.topics.securityEvents,
          key: s.executionId,
          value: await o.codec.encode(o.topics.securityEvents, {
            // By content, like the sinks' own event for the same record: a redelivery yields the same id.
            eventId: signatureFailureEventId(s, 'log-writer'),
            eventType: 'signature_failure',
            severity: 'critical',
            executionId: s.executionId,
            source: 'log-writer',
            code,
            detail: JSON.stringify({ problems: check.problems, signerKeyId: s.signerKeyId, kind: s.kind, ...source }),
            occurredAt: recordTimeIso(r),
          }),
        },
      ]);
    }
    return { inputs, refused };
  }

  // A cycle appends the batches of every partition ready together in one transaction, then commits their offsets.
  // Cycles overlap (the next appends while the previous commits) only across partitions; a crash before the commit
  // re-delivers entries that are already logged, which the unique leaf hash skips.
  const cycles = new BatchCycle<void>(
    async (chunks) => {
      const decoded = await Promise.all(chunks.map((c) => decode(c.records)));
      const refused = decoded.flatMap((d) => d.refused);
      // Sent before the offsets are committed: a crash re-sends them (same event id), never loses them.
      if (refused.length > 0) {
        await producer.send(refused.flat());
        stats.refused += refused.length;
      }
      const result = await o.appender.append(decoded.flatMap((d) => d.inputs));
      stats.appended += result.appended;
      stats.duplicates += result.duplicates;
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
      await checkpointNow();
      await producer.disconnect();
    },
  };
}
