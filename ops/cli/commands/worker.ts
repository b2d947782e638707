import { isAbsolute, join } from 'node:path';
import pg from 'pg';
import { PgReplayLedger } from '../../../consumers/replay/PgReplayLedger.js';
import { AvroCodec } from '../../../shared/codec/AvroCodec.js';
import { RedisReplayStore } from '../../../consumers/replay/RedisReplayStore.js';
import { BundlePolicyResolver } from '../../../consumers/worker/BundlePolicyResolver.js';
import { OverrideDecider } from '../../../consumers/worker/OverrideDecider.js';
import { OutcomeSigner } from '../../../consumers/worker/OutcomeSigner.js';
import { publishHeartbeats } from '../../../consumers/heartbeat/publishHeartbeats.js';
import { runWorker } from '../../../consumers/worker/runWorker.js';
import { StageTimings } from '../../../consumers/worker/StageTimings.js';
import { createRedisClient } from '../../runtime/createRedisClient.js';
import { redisCredentials } from '../../runtime/redisCredentials.js';
import { logStageTimings } from '../../runtime/logStageTimings.js';
import { createKafkaClient } from '../../../kafka/createKafkaClient.js';
import { loadConfig } from '../../config/config.js';
import { createLogger } from '../../log/logger.js';
import { instanceId } from '../../runtime/instanceId.js';
import { runtimeFacts } from '../../runtime/runtimeFacts.js';
import { openRoleSigner } from '../../signers/openSigner.js';
import { requireTrustedSigner } from '../../signers/requireTrustedSigner.js';
import { WatchedSigner } from '../../signers/WatchedSigner.js';
import { loadTrustRoot } from '../../trust/trustFiles.js';
import type { Command } from '../command.js';
import { untilSignal } from '../untilSignal.js';
import { kafkaConnection } from '../../runtime/kafkaConnection.js';
import { databaseUrlAs } from '../../runtime/databaseConnection.js';

const worker: Command = {
  path: ['worker'],
  usage: 'worker',
  summary: 'Run the decision worker (consumer group over the requests topic)',
  async run(_args, io) {
    const config = loadConfig(io.env, 'worker');
    const log = createLogger('parmana-worker', config.logLevel);
    const abs = (p: string): string => (isAbsolute(p) ? p : join(io.cwd, p));
    // Start-up fails here, before anything is consumed, when the key (file, PKCS#11 token or KMS key) or the trust
    // root is missing or invalid, or the trust root does not list the key for attestations.
    const device = await openRoleSigner({
      setting: config.signer,
      pem: config.signingKeyPem,
      file: config.signingKeyFile,
      cwd: io.cwd,
    });
    let trustRoot;
    try {
      trustRoot = loadTrustRoot(abs(config.trustDir));
      requireTrustedSigner(trustRoot, device.keyId, 'attestation-signing', new Date().toISOString());
    } catch (err) {
      device.close();
      throw err;
    }
    const signer = new WatchedSigner(device);
    // The single node at REDIS_URL, or the Redis Cluster at REDIS_CLUSTER_NODES; fail closed either way.
    const redis = createRedisClient(
      config,
      (err: Error) => {
        log.debug({ err: err.message }, 'redis connection error');
      },
      redisCredentials(config, 'worker', io.cwd),
    );
    const replay = new RedisReplayStore(redis, {
      reservationMs: config.reservationTtlSeconds * 1000,
      failedMs: config.failedTtlSeconds * 1000,
      terminalRetentionMs: config.terminalRetentionSeconds * 1000,
      partitions: config.partitionsRequests,
    });
    // Small pool: one claim statement per cycle. Bounded connect and query times turn a hung Postgres into a
    // retriable INV-023 (nothing signed) instead of a stuck cycle.
    const ledgerPool =
      config.replayLedger === 'off'
        ? undefined
        : new pg.Pool({
            connectionString: databaseUrlAs(config, 'worker', io.cwd),
            max: 2,
            connectionTimeoutMillis: 5_000,
            query_timeout: 10_000,
          });
    ledgerPool?.on('error', (err: Error) => {
      log.debug({ err: err.message }, 'replay ledger connection error');
    });
    if (ledgerPool === undefined)
      log.warn('PARMANA_REPLAY_LEDGER=off: an executionId is protected only while Redis keeps it (measurements only)');
    const facts = runtimeFacts(io.cwd);
    const codec = new AvroCodec(config.schemaRegistryUrl);
    const groupId = `${config.clientId}-worker`;
    let paused = false;
    const connection = kafkaConnection(config, 'worker', io.cwd);
    const kafka = await createKafkaClient({ kafka: connection, kafkaClient: config.kafkaClient }, log);
    const timings = config.stageTimingsMs > 0 ? new StageTimings() : undefined;
    const running = await runWorker({
      kafka,
      // The instance id in the client id tells members apart in the group's description and in broker logs.
      clientId:
        config.instanceId === '' ? `${config.clientId}-worker` : `${config.clientId}-worker-${config.instanceId}`,
      groupId,
      ...(config.instanceId === '' ? {} : { instanceId: config.instanceId }),
      sessionTimeoutMs: config.kafkaSessionTimeoutMs,
      transactionTimeoutMs: config.transactionTimeoutMs,
      maxBytesInFlight: config.workerMaxBytesInFlight,
      ...(timings === undefined ? {} : { timings }),
      requestsTopic: config.topicRequests,
      maxRequestBytes: config.maxRequestBytes,
      concurrency: config.workerConcurrency,
      overridesTopic: config.topicOverrides,
      topics: {
        attestations: config.topicAttestations,
        rejections: config.topicRejections,
        securityEvents: config.topicSecurityEvents,
        deadLetter: config.topicDeadLetter,
      },
      codec,
      policies: new BundlePolicyResolver(abs(config.policiesDir), trustRoot, () => Date.now()),
      replay,
      ...(ledgerPool === undefined ? {} : { ledger: new PgReplayLedger(ledgerPool) }),
      overrides: new OverrideDecider(replay, signer, config.topicOverrides),
      signer: new OutcomeSigner(signer, { trustRootVersion: trustRoot.version, ...facts }),
      log,
      onPause: (now) => {
        paused = now;
        log.info({ paused: now }, now ? 'worker paused (fail closed)' : 'worker resumed');
      },
    });
    const heartbeats = await publishHeartbeats({
      kafka,
      kafkaConnection: connection,
      clientId: `${config.clientId}-worker`,
      topic: config.topicHeartbeats,
      codec,
      component: 'worker',
      instanceId: instanceId(),
      lagTargets: [{ groupId, topics: [config.topicRequests, config.topicOverrides] }],
      state: () => ({ status: paused ? 'paused' : 'running', processed: running.stats.decided }),
      // No key while the signing device is failing: health then shows the signer down.
      signerKeyId: () => (signer.down ? null : signer.keyId),
      trustRootVersion: trustRoot.version,
      runtimeVersion: facts.runtimeVersion,
      now: () => new Date(),
      log,
    });
    log.info(
      {
        keyId: signer.keyId,
        signer: device.kind,
        trustRootVersion: trustRoot.version,
        kafkaClient: kafka.name,
        instanceId: config.instanceId,
      },
      'worker started',
    );
    const stopTimings = logStageTimings(timings, config.stageTimingsMs, log);
    const signal = await untilSignal();
    stopTimings();
    log.info({ signal, decided: running.stats.decided }, 'shutting down');
    await running.stop();
    // After the worker so the last beat carries the final count and lag.
    await heartbeats.stop();
    redis.disconnect();
    await ledgerPool?.end();
    device.close();
    return 0;
  },
};

/** `parmana worker`. */
export const workerCommands: readonly Command[] = [worker];
