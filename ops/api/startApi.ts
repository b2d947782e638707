import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { AvroCodec } from '../../shared/codec/AvroCodec.js';
import { StageTimings } from '../../consumers/worker/StageTimings.js';
import { createKafkaAdmin } from '../../kafka/createKafkaAdmin.js';
import { createKafkaClient } from '../../kafka/createKafkaClient.js';
import type { Config } from '../config/config.js';
import { logStageTimings } from '../runtime/logStageTimings.js';
import { runtimeFacts } from '../runtime/runtimeFacts.js';
import { loadTrustRoot } from '../trust/trustFiles.js';
import { PgAuditStore } from '../../api/audit/PgAuditStore.js';
import { PgLogStore } from '../../api/log/PgLogStore.js';
import { parseApiKeys } from '../../api/auth/ApiKey.js';
import { trustRootResponse } from '../trust/trustRootResponse.js';
import { buildApp } from '../../api/buildApp.js';
import { HeartbeatListener } from '../../api/health/HeartbeatListener.js';
import { StackHealthProbe } from '../../api/health/StackHealthProbe.js';
import { BatchingSender } from '../../api/kafka/BatchingSender.js';
import { KafkaApiEvents } from '../../api/kafka/KafkaApiEvents.js';
import { KafkaPipeline } from '../../api/kafka/KafkaPipeline.js';
import { OutcomeListener } from '../../api/kafka/OutcomeListener.js';
import { ApiMetrics } from '../../api/metrics/ApiMetrics.js';
import { kafkaConnection } from '../runtime/kafkaConnection.js';
import { databaseUrlAs } from '../runtime/databaseConnection.js';

export interface RunningApi {
  readonly app: FastifyInstance;
  readonly address: string;
  stop(): Promise<void>;
}

/**
 * Wires the API to Kafka, the registry and Postgres and starts listening. Postgres may be down at start: /audit/*
 * answers 503 until it is back, /execute does not need it.
 */
export async function startApi(config: Config, cwd: string, log: Logger): Promise<RunningApi> {
  const abs = (p: string): string => (isAbsolute(p) ? p : join(cwd, p));
  const keys = parseApiKeys(readFileSync(abs(config.apiKeysFile), 'utf8'));
  if (keys.length === 0)
    throw new Error(`${config.apiKeysFile} lists no API keys; create one with parmana apikey create`);
  const trustRoot = loadTrustRoot(abs(config.trustDir));
  const trustFiles = trustRootResponse(abs(config.trustDir), trustRoot);
  const now = (): Date => new Date();
  // Inside a request a registry fault is retried for at most 5 s (then 503 API-010), well within the execute timeout.
  const codec = new AvroCodec(config.schemaRegistryUrl, { attempts: 30, deadlineMs: 5_000, baseMs: 50, maxMs: 500 });
  const kafkaAsApi = kafkaConnection(config, 'api', cwd);
  const kafka = await createKafkaClient({ kafka: kafkaAsApi, kafkaClient: config.kafkaClient }, log);
  const timings = config.stageTimingsMs > 0 ? new StageTimings() : undefined;
  const admin = createKafkaAdmin(kafkaAsApi, `${config.clientId}-api`);
  const pool = new pg.Pool({
    connectionString: databaseUrlAs(config, 'api', cwd),
    max: 8,
    connectionTimeoutMillis: 2_000,
    statement_timeout: 10_000,
  });
  pool.on('error', (err) => {
    log.warn({ err: err.message }, 'idle postgres client failed');
  });
  const metrics = new ApiMetrics(() =>
    heartbeats.latest().flatMap((b) => b.lag.map((l) => ({ component: b.component, instanceId: b.instanceId, ...l }))),
  );
  const listener = new OutcomeListener({
    kafka,
    clientId: config.clientId,
    topics: {
      attestations: config.topicAttestations,
      rejections: config.topicRejections,
      overrides: config.topicOverrides,
    },
    codec,
    log,
    recentCapacity: config.apiRecentOutcomes,
    onOutcome: (o) => {
      metrics.observeOutcome(o);
    },
    ...(timings === undefined
      ? {}
      : {
          onDelivered: (ms: number) => {
            timings.record('outcome delivery (worker produce -> API)', ms);
          },
        }),
  });
  const heartbeats = new HeartbeatListener({
    kafka,
    clientId: `${config.clientId}-api`,
    registryUrl: config.schemaRegistryUrl,
    topic: config.topicHeartbeats,
    log,
  });
  const producer = await kafka.producer({ clientId: `${config.clientId}-api` });
  // Fire-and-forget records (API calls, security events) linger so that many share one produce request.
  const backgroundProducer = await kafka.producer({ clientId: `${config.clientId}-api-events`, lingerMs: 100 });
  await admin.connect();
  await Promise.all([listener.start(), heartbeats.start()]);
  const sender = new BatchingSender(producer, 1_000, kafka.sendConcurrency);
  const background = new BatchingSender(backgroundProducer, 1_000, kafka.sendConcurrency);
  const pipeline = new KafkaPipeline({
    sender,
    listener,
    codec,
    topics: { requests: config.topicRequests, overrides: config.topicOverrides },
    now,
    ...(timings === undefined ? {} : { timings }),
  });
  const stopTimings = logStageTimings(timings, config.stageTimingsMs, log);
  const audit = new PgAuditStore(pool);
  const dashboardDir = abs(config.dashboardDir);
  const app = await buildApp({
    keys,
    executions: pipeline,
    overrides: pipeline,
    events: new KafkaApiEvents({
      sender,
      background,
      codec,
      topics: {
        securityEvents: config.topicSecurityEvents,
        verifications: config.topicVerifications,
        apiCalls: config.topicApiCalls,
      },
      now,
      log,
      onDropped: (kind) => {
        metrics.recordDropped(kind);
      },
    }),
    audit,
    transparencyLog: new PgLogStore(pool),
    health: new StackHealthProbe({
      admin,
      registryUrl: config.schemaRegistryUrl,
      audit,
      heartbeats: () => heartbeats.latest(),
      listenerReady: () => listener.ready,
      trustRoot: () => trustRoot,
      runtimeVersion: runtimeFacts(cwd).runtimeVersion,
      now,
    }),
    metrics,
    trustRoot: () => trustRoot,
    trustRootFiles: () => trustFiles,
    settings: {
      executeTimeoutMs: config.apiExecuteTimeoutMs,
      overrideTimeoutMs: config.apiOverrideTimeoutMs,
      bodyLimit: config.apiBodyLimit,
      maxRequestBytes: config.maxRequestBytes,
      rateLimit: {
        execute: config.rateLimitExecute,
        other: config.rateLimitOther,
        windowMs: config.rateLimitWindowMs,
      },
      corsOrigin: config.corsOrigin,
      ...(existsSync(join(dashboardDir, 'index.html')) ? { dashboardDir } : {}),
      testHooks: config.apiTestHooks,
    },
    now,
    log,
  });
  const address = await app.listen({ host: config.apiHost, port: config.apiPort });
  return {
    app,
    address,
    async stop() {
      stopTimings();
      const step = (what: string): void => {
        log.debug({ step: what }, 'api stopping');
      };
      step('http server');
      await app.close();
      step('pending records');
      await Promise.all([sender.flush(), background.flush()]);
      step('listeners');
      await Promise.allSettled([listener.stop(), heartbeats.stop()]);
      step('producer');
      await Promise.all([producer.disconnect(), backgroundProducer.disconnect()]);
      step('admin');
      await admin.disconnect();
      step('postgres');
      await pool.end();
      step('done');
    },
  };
}
