import { isAbsolute, join } from 'node:path';
import pg from 'pg';
import { AvroCodec } from '../../../shared/codec/AvroCodec.js';
import { publishHeartbeats } from '../../../consumers/heartbeat/publishHeartbeats.js';
import type { Projection } from '../../../consumers/sinks/Projection.js';
import { apiCallsProjection } from '../../../consumers/sinks/apiCallsProjection.js';
import { verificationsProjection } from '../../../consumers/sinks/verificationsProjection.js';
import { securityEventsProjection } from '../../../consumers/sinks/securityEventsProjection.js';
import { requestsProjection } from '../../../consumers/sinks/requestsProjection.js';
import { runSinks } from '../../../consumers/sinks/SinkRunner.js';
import { createKafkaClient } from '../../../kafka/createKafkaClient.js';
import { loadConfig } from '../../config/config.js';
import { createLogger } from '../../log/logger.js';
import { instanceId } from '../../runtime/instanceId.js';
import { runtimeFacts } from '../../runtime/runtimeFacts.js';
import { loadTrustRoot } from '../../trust/trustFiles.js';
import { UsageError } from '../args.js';
import type { Command } from '../command.js';
import { untilSignal } from '../untilSignal.js';
import { kafkaConnection } from '../../runtime/kafkaConnection.js';
import { databaseUrlAs } from '../../runtime/databaseConnection.js';

const sinks: Command = {
  path: ['sinks'],
  usage: 'sinks [security-events|verifications|api-calls|requests ...]',
  summary:
    'Run the audit sinks (all, or the named projections) into Postgres; the signed outcomes are projected by `log writer`',
  async run(args, io) {
    const config = loadConfig(io.env, 'sink');
    const log = createLogger('parmana-sinks', config.logLevel);
    const trustDir = isAbsolute(config.trustDir) ? config.trustDir : join(io.cwd, config.trustDir);
    const trustRoot = loadTrustRoot(trustDir);
    // The schema is provisioned beforehand (`provision` / `db migrate`, as the owner role): the sinks' role may only
    // insert and read its own tables.
    const pool = new pg.Pool({
      connectionString: databaseUrlAs(config, 'sinks', io.cwd),
      max: 8,
      connectionTimeoutMillis: 5_000,
    });
    pool.on('error', (err) => {
      log.warn({ err: err.message }, 'idle postgres client failed');
    });
    const all: Projection[] = [
      securityEventsProjection(config.topicSecurityEvents),
      verificationsProjection(config.topicVerifications),
      apiCallsProjection(config.topicApiCalls),
      requestsProjection(config.topicRequests),
    ];
    const wanted = args.length === 0 ? all : all.filter((p) => args.includes(p.name));
    if (wanted.length !== Math.max(args.length, wanted.length) || wanted.length === 0) {
      throw new UsageError(`unknown sink; choose from ${all.map((p) => p.name).join(', ')}`);
    }
    const codec = new AvroCodec(config.schemaRegistryUrl);
    const connection = kafkaConnection(config, 'sinks', io.cwd);
    const kafka = await createKafkaClient({ kafka: connection, kafkaClient: config.kafkaClient }, log);
    const deadLetters = await kafka.producer({ clientId: `${config.clientId}-sinks-dead-letter` });
    // The process is paused while its sinks fail closed.
    let paused = false;
    const running = await runSinks(wanted, {
      kafka,
      deadLetters,
      clientId: config.clientId,
      groupPrefix: config.clientId,
      deadLetterTopic: config.topicDeadLetter,
      codec,
      pool,
      log,
      onPause: (now) => {
        paused = now;
      },
    });
    const heartbeats = await publishHeartbeats({
      kafka,
      kafkaConnection: connection,
      clientId: `${config.clientId}-sinks`,
      topic: config.topicHeartbeats,
      codec,
      component: 'sinks',
      instanceId: instanceId(),
      lagTargets: [{ groupId: running.groupId, topics: running.topics }],
      state: () => ({ status: paused ? 'paused' : 'running', processed: running.stats.rows }),
      trustRootVersion: trustRoot.version,
      runtimeVersion: runtimeFacts(io.cwd).runtimeVersion,
      now: () => new Date(),
      log,
    });
    log.info({ sinks: wanted.map((p) => p.name), kafkaClient: kafka.name }, 'sinks started');
    const signal = await untilSignal();
    log.info({ signal, rows: running.rows }, 'shutting down');
    await running.stop();
    await deadLetters.disconnect();
    // After the sinks so the last beat carries the final counts and lag.
    await heartbeats.stop();
    await pool.end();
    return 0;
  },
};

/** `parmana sinks`. */
export const sinksCommands: readonly Command[] = [sinks];
