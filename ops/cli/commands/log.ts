import { isAbsolute, join } from 'node:path';
import pg from 'pg';
import { PgLogStore } from '../../../api/log/PgLogStore.js';
import { AvroCodec } from '../../../shared/codec/AvroCodec.js';
import { PgLogAppender } from '../../../consumers/log/PgLogAppender.js';
import { runLogWriter } from '../../../consumers/log/runLogWriter.js';
import { ParmanaError } from '../../../core/errors/ParmanaError.js';
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
    let markLost: (err: Error) => void = () => undefined;
    const lost = new Promise<Error>((resolve) => {
      markLost = resolve;
    });
    const appender = await PgLogAppender.open({
      databaseUrl: databaseUrlAs(config, 'logWriter', io.cwd),
      onStandby: () => {
        log.info('another writer holds the log: standing by');
      },
      onConnectionLost: (err) => {
        markLost(err);
      },
    });
    log.info({ size: appender.size, keyId: signer.keyId }, 'log writer active');
    const running = await runLogWriter({
      kafka: await createKafkaClient(
        { kafka: kafkaConnection(config, 'logWriter', io.cwd), kafkaClient: config.kafkaClient },
        log,
      ),
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
      clientId: config.clientId,
      groupId: `${config.clientId}-log-writer`,
      origin: config.logOrigin,
      signer,
      checkpointIntervalMs: config.logCheckpointIntervalMs,
      checkpointEntries: config.logCheckpointEntries,
      sessionTimeoutMs: config.kafkaSessionTimeoutMs,
      log,
    });
    const ended = await Promise.race([untilSignal(), lost]);
    if (ended instanceof Error) {
      // The advisory lock went with the connection: another writer may already hold it. Stop, commit nothing more,
      // and let the supervisor restart this process (it then waits for the lock and reloads the tree).
      log.error(
        { err: ended.message, ...running.stats },
        'log writer lost its Postgres connection (and the lock): exiting',
      );
      await running.stop().catch(() => undefined);
      await appender.close();
      signer.close();
      return 1;
    }
    log.info({ signal: ended, ...running.stats, size: appender.size }, 'shutting down');
    await running.stop();
    await appender.close();
    signer.close();
    return 0;
  },
};

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
