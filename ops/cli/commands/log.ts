import { isAbsolute, join } from 'node:path';
import pg from 'pg';
import { PgLogStore } from '../../../api/log/PgLogStore.js';
import { AvroCodec } from '../../../shared/codec/AvroCodec.js';
import { PgLogAppender } from '../../../consumers/log/PgLogAppender.js';
import { runLogWriter } from '../../../consumers/log/runLogWriter.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { decisionsProjection } from '../../../consumers/sinks/decisionsProjection.js';
import { overridesProjection } from '../../../consumers/sinks/overridesProjection.js';
import { rejectionsProjection } from '../../../consumers/sinks/rejectionsProjection.js';
import { inlineVerifier } from '../../../consumers/verify/AttestationVerifier.js';
import { WorkerPoolVerifier } from '../../../consumers/verify/WorkerPoolVerifier.js';
import { isParmanaError, ParmanaError } from '../../../core/errors/ParmanaError.js';
import type { TrustRoot } from '../../../core/trust/TrustRoot.js';
import { Backoff } from '../../../shared/retry/Backoff.js';
import { asDbRefusal } from '../../../consumers/db/asRetriableDbError.js';
import { createKafkaClient } from '../../../kafka/createKafkaClient.js';
import { loadConfig } from '../../config/config.js';
import { createLogger } from '../../log/logger.js';
import { LogMonitor } from '../../monitor/LogMonitor.js';
import { MonitorStateFile } from '../../monitor/MonitorState.js';
import { pgMonitorReports } from '../../monitor/PgMonitorReports.js';
import { instanceId } from '../../runtime/instanceId.js';
import { openRoleSigner } from '../../signers/openSigner.js';
import { checkKey } from '../../../core/trust/TrustRoot.js';
import { loadTrustRoot } from '../../trust/trustFiles.js';
import type { Command } from '../command.js';
import { untilSignal } from '../untilSignal.js';
import { kafkaConnection } from '../../runtime/kafkaConnection.js';
import { databaseUrlAs } from '../../runtime/databaseConnection.js';

const writer: Command = {
  path: ['log', 'writer'],
  usage: 'log writer',
  summary:
    'The transparency log writer: outcome topics -> log_entries, signed checkpoints (one active, others standby)',
  async run(_args, io) {
    const config = loadConfig(io.env, 'sink');
    const log = createLogger('parmana-log-writer', config.logLevel);
    const trustRoot = loadTrustRoot(isAbsolute(config.trustDir) ? config.trustDir : join(io.cwd, config.trustDir));
    // Fail closed: no key, or a key the trust root does not list for log signing, signs nothing.
    // The key may sit in a file, a PKCS#11 token or KMS; its id is computed from the public key the signer read.
    const signer = await openRoleSigner({
      setting: config.logSigner,
      pem: config.logSigningKeyPem,
      file: config.logSigningKeyFile,
      cwd: io.cwd,
    });
    const problems = checkKey(trustRoot, signer.keyId, 'log-signing', new Date().toISOString());
    if (problems.length > 0) {
      signer.close();
      throw new ParmanaError('LOG-013', { detail: `key ${signer.keyId}: ${problems.join(', ')} in the trust root` });
    }
    // The schema is provisioned beforehand (`provision` / `db migrate`, as the owner role).
    const databaseUrl = databaseUrlAs(config, 'logWriter', io.cwd);
    const kafka = await createKafkaClient(
      { kafka: kafkaConnection(config, 'logWriter', io.cwd), kafkaClient: config.kafkaClient },
      log,
    );
    const verifier =
      config.logVerifyThreads > 0
        ? new WorkerPoolVerifier(trustRoot, config.logVerifyThreads)
        : inlineVerifier(() => trustRoot);
    const projections = [
      decisionsProjection(config.topicAttestations),
      rejectionsProjection(config.topicRejections),
      overridesProjection(config.topicOverrides),
    ];
    const signal = untilSignal();
    const backoff = new Backoff(250, 10_000, () => 0.5 + Math.random() / 2);
    // Postgres unreachable or restarted: the lock went with the connection, and another writer may hold it now. This
    // one stops (nothing more is committed), then waits for Postgres and the lock like a standby and reloads the tree.
    for (;;) {
      let markLost: (err: Error) => void = () => undefined;
      const lost = new Promise<Error>((resolve) => {
        markLost = resolve;
      });
      let appender: PgLogAppender;
      try {
        await recordTrustRoot(databaseUrl, trustRoot);
        appender = await PgLogAppender.open({
          databaseUrl,
          onStandby: () => {
            log.info('another writer holds the log: standing by');
          },
          onConnectionLost: (err) => {
            markLost(err);
          },
        });
      } catch (caught) {
        // LOG-014 (the stored log is inconsistent: never write on top of it), CRD-004/005 (a password or a grant):
        // waiting fixes neither.
        const err = asDbRefusal(caught);
        if (isParmanaError(err)) throw err;
        const wait = backoff.next();
        log.warn({ err: err instanceof Error ? err.message : String(err), retryInMs: wait }, 'postgres unavailable');
        if ((await Promise.race([signal, sleep(wait).then(() => null)])) !== null) break;
        continue;
      }
      backoff.reset();
      log.info({ size: appender.size, keyId: signer.keyId }, 'log writer active');
      const running = await runLogWriter({
        kafka,
        codec: new AvroCodec(config.schemaRegistryUrl),
        appender,
        topics: {
          attestations: config.topicAttestations,
          rejections: config.topicRejections,
          overrides: config.topicOverrides,
          checkpoints: config.topicLogCheckpoints,
          deadLetter: config.topicDeadLetter,
          securityEvents: config.topicSecurityEvents,
        },
        trustRoot: () => trustRoot,
        verifier,
        projections,
        clientId: config.clientId,
        groupId: `${config.clientId}-log-writer`,
        origin: config.logOrigin,
        signer,
        checkpointIntervalMs: config.logCheckpointIntervalMs,
        checkpointEntries: config.logCheckpointEntries,
        sessionTimeoutMs: config.kafkaSessionTimeoutMs,
        log,
      });
      const ended = await Promise.race([signal, lost]);
      if (ended instanceof Error) {
        log.error(
          { err: ended.message, ...running.stats },
          'log writer lost its Postgres connection (and the lock): stopping, then waiting for Postgres',
        );
        await running.stop().catch(() => undefined);
        await appender.close();
        continue;
      }
      log.info({ signal: ended, ...running.stats, size: appender.size }, 'shutting down');
      await running.stop();
      await appender.close();
      break;
    }
    await verifier.close();
    signer.close();
    return 0;
  },
};

/** The trust root the outcomes are verified against, stored once per version for audits. */
async function recordTrustRoot(databaseUrl: string, trustRoot: TrustRoot): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => undefined); // a failure surfaces from the query below
  try {
    await client.connect();
    await client.query('INSERT INTO audit_trust_roots (version, content) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      trustRoot.version,
      JSON.stringify({ version: trustRoot.version, keys: trustRoot.keys.map(({ publicKeyRaw: _raw, ...k }) => k) }),
    ]);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const monitor: Command = {
  path: ['log', 'monitor'],
  usage: 'log monitor',
  summary: 'Follow the checkpoints: signature, consistency and re-hashed entries; log_inconsistency when not',
  async run(_args, io) {
    const config = loadConfig(io.env, 'sink');
    const log = createLogger('parmana-log-monitor', config.logLevel);
    const trustRoot = loadTrustRoot(isAbsolute(config.trustDir) ? config.trustDir : join(io.cwd, config.trustDir));
    const pool = new pg.Pool({ connectionString: databaseUrlAs(config, 'logMonitor', io.cwd), max: 2 });
    const name = `monitor-${instanceId()}`;
    const stateFile = isAbsolute(config.logMonitorStateFile)
      ? config.logMonitorStateFile
      : join(io.cwd, config.logMonitorStateFile);
    const m = new LogMonitor({
      reader: new PgLogStore(pool),
      trustRoot: () => trustRoot,
      origin: config.logOrigin,
      state: new MonitorStateFile(stateFile),
      report: pgMonitorReports(pool, name, () => new Date()),
      now: () => new Date(),
    });
    let queue = Promise.resolve();
    const enqueue = (what: () => Promise<unknown>): void => {
      queue = queue
        .then(async () => {
          const finding = await what();
          if (finding !== null && typeof finding === 'object' && 'status' in finding) {
            const f = finding as { status: string; treeSize: number; code: string | null };
            if (f.status === 'ok') log.info({ treeSize: f.treeSize }, 'log consistent');
            else log.error({ treeSize: f.treeSize, code: f.code }, 'LOG INCONSISTENCY');
          }
        })
        .catch((err: unknown) => {
          log.error({ err: err instanceof Error ? err.message : String(err) }, 'monitor check failed');
        });
    };
    enqueue(() => m.sweep());
    const tail = (
      await createKafkaClient(
        { kafka: kafkaConnection(config, 'logMonitor', io.cwd), kafkaClient: config.kafkaClient },
        log,
      )
    ).tail({
      clientId: `${config.clientId}-log-monitor`,
      topics: [config.topicLogCheckpoints],
      from: 'earliest',
    });
    await tail.start((records) => {
      for (const r of records) if (r.value !== null) enqueue(() => m.onCheckpoint(r.value?.toString('utf8') ?? ''));
    });
    const sweep = setInterval(() => {
      enqueue(() => m.sweep());
    }, config.logMonitorSweepSeconds * 1000);
    log.info({ name, stateFile }, 'log monitor following checkpoints');
    await untilSignal();
    clearInterval(sweep);
    await tail.stop();
    await queue;
    await pool.end();
    return 0;
  },
};

/** `parmana log writer|monitor`. */
export const logCommands: readonly Command[] = [writer, monitor];
