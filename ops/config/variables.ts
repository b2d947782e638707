// The single table of configuration variables: name, meaning, default, parser and which processes need it.
// The README's configuration table and the docker-compose test are both derived from this table.

export type Role = 'worker' | 'sink' | 'api' | 'stack' | 'cli';

export interface VariableSpec<T> {
  readonly name: string;
  readonly description: string;
  /** Roles that must have the variable set (no default is used for them). */
  readonly requiredFor: readonly Role[];
  /** Default used when the variable is unset and not required for the role. */
  readonly defaultValue?: string;
  readonly parse: (raw: string) => T;
}

export class ConfigValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigValueError';
  }
}

const parseString = (raw: string): string => {
  if (raw.trim() === '') throw new ConfigValueError('must not be empty');
  return raw.trim();
};

const parseUrl =
  (protocols: readonly string[]) =>
  (raw: string): string => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ConfigValueError(`must be a URL (${protocols.join(' or ')}), got ${JSON.stringify(raw)}`);
    }
    if (!protocols.includes(url.protocol)) {
      throw new ConfigValueError(`must use ${protocols.join(' or ')}, got ${url.protocol}`);
    }
    return raw;
  };

const parseHostPorts =
  (allowEmpty: boolean) =>
  (raw: string): readonly string[] => {
    const list = raw
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b !== '');
    if (list.length === 0 && !allowEmpty) throw new ConfigValueError('must list at least one host:port');
    for (const b of list) {
      if (!/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/.test(b))
        throw new ConfigValueError(`${JSON.stringify(b)} is not host:port`);
    }
    return Object.freeze(list);
  };

const parseInteger =
  (min: number, max: number) =>
  (raw: string): number => {
    if (!/^-?\d+$/.test(raw.trim())) throw new ConfigValueError(`must be an integer, got ${JSON.stringify(raw)}`);
    const n = Number(raw.trim());
    if (n < min || n > max) throw new ConfigValueError(`must be between ${min} and ${max}, got ${n}`);
    return n;
  };

const parseLogLevel = (raw: string): string => {
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(raw)) throw new ConfigValueError(`must be one of ${levels.join(', ')}`);
  return raw;
};

const parseTopic = (raw: string): string => {
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(raw))
    throw new ConfigValueError(`${JSON.stringify(raw)} is not a valid Kafka topic name`);
  return raw;
};

const ALL: readonly Role[] = ['worker', 'sink', 'api', 'stack', 'cli'];

function v<T>(spec: VariableSpec<T>): VariableSpec<T> {
  return spec;
}

/**
 * A credentials variable: `PARMANA_<PROCESS>_<COMPONENT>_CREDENTIALS` names a JSON file {"username", "password"}
 * (mode 0600) that `parmana dev init` writes under .local/credentials/. Unset: that process connects to that
 * component without authentication (for servers that do not ask for it).
 */
function credentials(process: string, component: 'KAFKA' | 'DATABASE' | 'REDIS', who: string): VariableSpec<string> {
  return {
    name: `PARMANA_${process}_${component}_CREDENTIALS`,
    description: `Credentials file of ${who} (JSON {"username","password"}, 0600; dev init writes .local/credentials/${component === 'DATABASE' ? 'postgres' : component.toLowerCase()}-${process.toLowerCase().replace(/_/g, '-')}.json). Unset: no authentication.`,
    requiredFor: [],
    defaultValue: '',
    parse: (raw: string) => raw,
  };
}

export const VARIABLES = {
  kafkaBrokers: v({
    name: 'KAFKA_BROKERS',
    description: 'Comma-separated Kafka bootstrap servers (host:port).',
    requiredFor: ALL,
    parse: parseHostPorts(false),
  }),
  kafkaCredentialsWorker: v(credentials('WORKER', 'KAFKA', "the worker's Kafka principal")),
  kafkaCredentialsApi: v(credentials('API', 'KAFKA', "the API's Kafka principal")),
  kafkaCredentialsSinks: v(credentials('SINKS', 'KAFKA', "the sinks' Kafka principal")),
  kafkaCredentialsLogWriter: v(credentials('LOG_WRITER', 'KAFKA', "the log writer's Kafka principal")),
  kafkaCredentialsLogMonitor: v(credentials('LOG_MONITOR', 'KAFKA', "the log monitor's Kafka principal")),
  kafkaCredentialsProducer: v(
    credentials('PRODUCER', 'KAFKA', "the producer SDK's Kafka principal (`parmana produce`, the load generator)"),
  ),
  kafkaCredentialsAdmin: v(
    credentials('ADMIN', 'KAFKA', 'the Kafka admin principal (`provision`, `stack`, `bench`: topics and ACLs)'),
  ),
  databaseCredentialsAdmin: v(
    credentials(
      'ADMIN',
      'DATABASE',
      "the Postgres cluster's superuser (`stack`, `bench`, the tests: roles, databases)",
    ),
  ),
  databaseCredentialsOwner: v(
    credentials('OWNER', 'DATABASE', 'the role owning the audit schema (`provision`, `db migrate`; no service)'),
  ),
  databaseCredentialsWorker: v(credentials('WORKER', 'DATABASE', "the worker's Postgres role (replay ledger)")),
  databaseCredentialsSinks: v(credentials('SINKS', 'DATABASE', "the sinks' Postgres role")),
  databaseCredentialsLogWriter: v(credentials('LOG_WRITER', 'DATABASE', "the log writer's Postgres role")),
  databaseCredentialsLogMonitor: v(credentials('LOG_MONITOR', 'DATABASE', "the log monitor's Postgres role")),
  databaseCredentialsApi: v(
    credentials('API', 'DATABASE', "the API's Postgres role (read only; also `audit rederive` and the demo's reads)"),
  ),
  databaseCredentialsRegistry: v(
    credentials('REGISTRY', 'DATABASE', "the schema registry's Postgres role (owns <db>_registry)"),
  ),
  schemaRegistryUrl: v({
    name: 'SCHEMA_REGISTRY_URL',
    description: 'Confluent-compatible schema registry base URL (Apicurio: .../apis/ccompat/v7).',
    requiredFor: ALL,
    parse: parseUrl(['http:', 'https:']),
  }),
  redisUrl: v({
    name: 'REDIS_URL',
    description: 'Redis holding the replay state (AOF persistence on).',
    requiredFor: ['worker', 'stack'],
    parse: parseUrl(['redis:', 'rediss:']),
  }),
  redisCredentialsWorker: v(
    credentials('WORKER', 'REDIS', "the worker's Redis ACL user (its replay keys and the scripts' commands only)"),
  ),
  redisCredentialsAdmin: v(
    credentials('ADMIN', 'REDIS', 'the Redis admin user (`stack`, `bench`, the tests: every command and key)'),
  ),
  redisClusterNodes: v({
    name: 'REDIS_CLUSTER_NODES',
    description:
      'Comma-separated seed nodes (host:port) of a Redis Cluster holding the replay state instead of REDIS_URL: when set the worker connects to the cluster (keys hash-tagged per request partition, docs/operations.md). Unset: the single Redis at REDIS_URL.',
    requiredFor: [],
    defaultValue: '',
    parse: parseHostPorts(true),
  }),
  databaseUrl: v({
    name: 'DATABASE_URL',
    description: "Postgres database of the audit tables (and of the worker's replay ledger).",
    requiredFor: ['worker', 'sink', 'api', 'stack'],
    parse: parseUrl(['postgres:', 'postgresql:']),
  }),
  policiesDir: v({
    name: 'PARMANA_POLICIES_DIR',
    description: 'Folder of signed policy bundles (policies/<policyId>/<version>/).',
    requiredFor: [],
    defaultValue: 'policies',
    parse: parseString,
  }),
  trustDir: v({
    name: 'PARMANA_TRUST_DIR',
    description: 'Folder holding root.pub and trust-root.json.',
    requiredFor: [],
    defaultValue: 'trust',
    parse: parseString,
  }),
  signingKeyFile: v({
    name: 'PARMANA_SIGNING_KEY_FILE',
    description:
      'PKCS#8 PEM file of the attestation-signing key (mode 0600, outside git). The worker needs it or PARMANA_SIGNING_KEY_PEM.',
    requiredFor: [],
    defaultValue: '',
    parse: (raw: string) => raw,
  }),
  signingKeyPem: v({
    name: 'PARMANA_SIGNING_KEY_PEM',
    description:
      'The attestation-signing key itself (PKCS#8 PEM text), for platforms that inject secrets as variables.',
    requiredFor: [],
    defaultValue: '',
    parse: (raw: string) => raw,
  }),
  signer: v({
    name: 'PARMANA_SIGNER',
    description:
      'Where the attestation-signing key is, as a signer URI: file:<pem>, pkcs11:<RFC 7512 URI> (token=, object= or id=, ?module-path=&pin-source=file:<pin file>) or awskms://[endpoint]/<key id, ARN or alias>. When set it replaces PARMANA_SIGNING_KEY_FILE / _PEM.',
    requiredFor: [],
    defaultValue: '',
    parse: (raw: string) => raw,
  }),
  stackDir: v({
    name: 'PARMANA_STACK_DIR',
    description: 'Where the local stack keeps data, logs and pids.',
    requiredFor: [],
    defaultValue: '.stack',
    parse: parseString,
  }),
  logLevel: v({
    name: 'LOG_LEVEL',
    description: 'pino log level.',
    requiredFor: [],
    defaultValue: 'info',
    parse: parseLogLevel,
  }),
  kafkaClient: v({
    name: 'PARMANA_KAFKA_CLIENT',
    description:
      'Kafka client library behind the port: rdkafka (librdkafka via node-rdkafka, the measured faster one) or kafkajs.',
    requiredFor: [],
    defaultValue: 'rdkafka',
    parse: (raw: string): 'rdkafka' | 'kafkajs' => {
      if (raw !== 'rdkafka' && raw !== 'kafkajs') throw new ConfigValueError('must be rdkafka or kafkajs');
      return raw;
    },
  }),
  instanceId: v({
    name: 'PARMANA_INSTANCE_ID',
    description:
      'Stable name of this worker instance (e.g. worker-1): static group membership and a fixed transactional id, so a restart takes its partitions back at once and fences its predecessor. Unset: dynamic membership, fresh id per process. Never give two running workers the same id.',
    requiredFor: [],
    defaultValue: '',
    parse: (raw: string) => {
      if (raw !== '' && !/^[A-Za-z0-9._-]{1,100}$/.test(raw)) {
        throw new ConfigValueError('must be 1-100 characters of A-Z a-z 0-9 . _ -');
      }
      return raw;
    },
  }),
  kafkaSessionTimeoutMs: v({
    name: 'PARMANA_KAFKA_SESSION_TIMEOUT_MS',
    description:
      "How long a silent group member keeps its partitions: the worker failover time (docs/operations.md). Must be within the brokers' group.min/max.session.timeout.ms.",
    requiredFor: [],
    defaultValue: '3000',
    parse: parseInteger(1000, 300_000),
  }),
  transactionTimeoutMs: v({
    name: 'PARMANA_TRANSACTION_TIMEOUT_MS',
    description:
      "How long the broker waits before aborting a dead worker's open transaction (its outputs hide later ones from read_committed readers until then); a live transaction taking longer is aborted and redone.",
    requiredFor: [],
    defaultValue: '3000',
    parse: parseInteger(1000, 900_000),
  }),
  workerMaxBytesInFlight: v({
    name: 'PARMANA_WORKER_MAX_BYTES_IN_FLIGHT',
    description: 'Bytes of fetched requests a worker holds before it stops fetching (bounds memory, not partitions).',
    requiredFor: [],
    defaultValue: '4194304',
    parse: parseInteger(262_144, 1_073_741_824),
  }),
  clientId: v({
    name: 'PARMANA_CLIENT_ID',
    description: 'Kafka client id prefix.',
    requiredFor: [],
    defaultValue: 'parmana',
    parse: parseString,
  }),
  topicRequests: v({
    name: 'PARMANA_TOPIC_REQUESTS',
    description: 'Execution requests, keyed by executionId.',
    requiredFor: [],
    defaultValue: 'parmana.requests',
    parse: parseTopic,
  }),
  topicAttestations: v({
    name: 'PARMANA_TOPIC_ATTESTATIONS',
    description: 'Signed attestations.',
    requiredFor: [],
    defaultValue: 'parmana.attestations',
    parse: parseTopic,
  }),
  topicRejections: v({
    name: 'PARMANA_TOPIC_REJECTIONS',
    description: 'Signed rejections.',
    requiredFor: [],
    defaultValue: 'parmana.rejections',
    parse: parseTopic,
  }),
  topicOverrides: v({
    name: 'PARMANA_TOPIC_OVERRIDES',
    description: 'Override commands and results, keyed by executionId.',
    requiredFor: [],
    defaultValue: 'parmana.overrides',
    parse: parseTopic,
  }),
  topicSecurityEvents: v({
    name: 'PARMANA_TOPIC_SECURITY_EVENTS',
    description: 'Security events.',
    requiredFor: [],
    defaultValue: 'parmana.security-events',
    parse: parseTopic,
  }),
  topicVerifications: v({
    name: 'PARMANA_TOPIC_VERIFICATIONS',
    description: 'Verification records.',
    requiredFor: [],
    defaultValue: 'parmana.verifications',
    parse: parseTopic,
  }),
  topicApiCalls: v({
    name: 'PARMANA_TOPIC_API_CALLS',
    description: 'API call records.',
    requiredFor: [],
    defaultValue: 'parmana.api-calls',
    parse: parseTopic,
  }),
  topicDeadLetter: v({
    name: 'PARMANA_TOPIC_DEAD_LETTER',
    description: 'Undecodable records, original bytes kept, reason in headers.',
    requiredFor: [],
    defaultValue: 'parmana.dead-letter',
    parse: parseTopic,
  }),
  topicHeartbeats: v({
    name: 'PARMANA_TOPIC_HEARTBEATS',
    description:
      'Liveness, signing key and consumer lag of the worker and sinks (compacted), key = component:instanceId.',
    requiredFor: [],
    defaultValue: 'parmana.heartbeats',
    parse: parseTopic,
  }),
  topicLogCheckpoints: v({
    name: 'PARMANA_TOPIC_LOG_CHECKPOINTS',
    description: 'Signed checkpoints of the transparency log (C2SP signed notes as UTF-8 text), key = origin.',
    requiredFor: [],
    defaultValue: 'parmana.log-checkpoints',
    parse: parseTopic,
  }),
  partitionsRequests: v({
    name: 'PARMANA_PARTITIONS_REQUESTS',
    description: 'Partition count of the requests topic (at least 12).',
    requiredFor: [],
    defaultValue: '12',
    parse: parseInteger(12, 10_000),
  }),
  partitionsOutcomes: v({
    name: 'PARMANA_PARTITIONS_OUTCOMES',
    description: 'Partition count of the attestation, rejection and override topics.',
    requiredFor: [],
    defaultValue: '12',
    parse: parseInteger(1, 10_000),
  }),
  partitionsAudit: v({
    name: 'PARMANA_PARTITIONS_AUDIT',
    description: 'Partition count of the security-event, verification, API-call and dead-letter topics.',
    requiredFor: [],
    defaultValue: '3',
    parse: parseInteger(1, 10_000),
  }),
  kafkaClusterPort: v({
    name: 'PARMANA_KAFKA_CLUSTER_PORT',
    description:
      '`stack up --brokers 3`: first broker port of the local cluster (brokers on PORT, PORT+2, PORT+4; each controller on the next port).',
    requiredFor: [],
    defaultValue: '19092',
    parse: parseInteger(1024, 65_000),
  }),
  redisClusterPort: v({
    name: 'PARMANA_REDIS_CLUSTER_PORT',
    description:
      '`stack up --redis-cluster`: first port of the local Redis Cluster (primaries on PORT, PORT+1, PORT+2; cluster bus on each port + 10000).',
    requiredFor: [],
    defaultValue: '7001',
    parse: parseInteger(1024, 55_000),
  }),
  replicationFactor: v({
    name: 'PARMANA_REPLICATION_FACTOR',
    description:
      'Replication factor of created topics; 0 (default): 3 with min.insync.replicas=2 when the cluster has 3 or more brokers, else 1.',
    requiredFor: [],
    defaultValue: '0',
    parse: parseInteger(0, 16),
  }),
  reservationTtlSeconds: v({
    name: 'PARMANA_RESERVATION_TTL_SECONDS',
    description: 'TTL of a RESERVED/EXECUTING replay entry.',
    requiredFor: [],
    defaultValue: '300',
    parse: parseInteger(1, 86_400),
  }),
  failedTtlSeconds: v({
    name: 'PARMANA_FAILED_TTL_SECONDS',
    description: 'TTL of a FAILED replay entry.',
    requiredFor: [],
    defaultValue: '30',
    parse: parseInteger(1, 86_400),
  }),
  terminalRetentionSeconds: v({
    name: 'PARMANA_TERMINAL_RETENTION_SECONDS',
    description:
      'How long Redis (the hot tier) keeps CONFIRMED/OVERRIDDEN replay entries (default 1 day; it was 30 days before the replay ledger). Older ids stay replays through the ledger.',
    requiredFor: [],
    defaultValue: '86400',
    parse: parseInteger(60, 10 * 365 * 86_400),
  }),
  replayLedger: v({
    name: 'PARMANA_REPLAY_LEDGER',
    description:
      "The worker's durable replay tier: 'postgres' (table replay_ledger in DATABASE_URL: an executionId is decided once for the life of the audit trail) or 'off' (measurements only: once holds only while Redis keeps the id).",
    requiredFor: [],
    defaultValue: 'postgres',
    parse: (raw: string): 'postgres' | 'off' => {
      if (raw !== 'postgres' && raw !== 'off')
        throw new ConfigValueError(`must be postgres or off, got ${JSON.stringify(raw)}`);
      return raw;
    },
  }),
  maxRequestBytes: v({
    name: 'PARMANA_MAX_REQUEST_BYTES',
    description: 'Largest accepted execution request (encoded bytes).',
    requiredFor: [],
    defaultValue: '65536',
    parse: parseInteger(256, 16 * 1024 * 1024),
  }),
  apiHost: v({
    name: 'API_HOST',
    description: 'Interface the API listens on.',
    requiredFor: [],
    defaultValue: '127.0.0.1',
    parse: parseString,
  }),
  apiPort: v({
    name: 'API_PORT',
    description: 'Port the API listens on.',
    requiredFor: [],
    defaultValue: '3000',
    parse: parseInteger(0, 65_535),
  }),
  corsOrigin: v({
    name: 'CORS_ORIGIN',
    description: 'The only origin allowed by CORS (the dashboard).',
    requiredFor: [],
    defaultValue: 'http://127.0.0.1:3000',
    parse: parseUrl(['http:', 'https:']),
  }),
  apiKeysFile: v({
    name: 'PARMANA_API_KEYS_FILE',
    description: 'JSON file of API keys: [{name, sha256, roles}] (hashes only).',
    requiredFor: ['api'],
    defaultValue: '',
    parse: (raw: string) => raw,
  }),
  workerConcurrency: v({
    name: 'PARMANA_WORKER_CONCURRENCY',
    description: 'Partitions one worker decides at the same time; chunks ready together share one transaction.',
    requiredFor: [],
    defaultValue: '12',
    parse: parseInteger(1, 64),
  }),
  logVerifyThreads: v({
    name: 'PARMANA_LOG_VERIFY_THREADS',
    description:
      'Worker threads the log writer checks attestation signatures on (0: on its own thread). Nothing reaches the log or the audit tables unverified either way.',
    requiredFor: [],
    defaultValue: '2',
    parse: parseInteger(0, 16),
  }),
  stageTimingsMs: v({
    name: 'PARMANA_STAGE_TIMINGS_MS',
    description:
      'Every this many ms the worker logs p50/p99 of its stages (fetch wait, decode, Redis, sign, transaction) and the API those of /execute (produce, outcome wait, delivery); 0 = off.',
    requiredFor: [],
    defaultValue: '0',
    parse: parseInteger(0, 3_600_000),
  }),
  apiExecuteTimeoutMs: v({
    name: 'PARMANA_API_EXECUTE_TIMEOUT_MS',
    description: 'How long POST /execute waits for the outcome before answering 504 (the request still completes).',
    requiredFor: [],
    defaultValue: '10000',
    parse: parseInteger(100, 600_000),
  }),
  apiOverrideTimeoutMs: v({
    name: 'PARMANA_API_OVERRIDE_TIMEOUT_MS',
    description: "How long POST /override waits for the worker's result before answering 504.",
    requiredFor: [],
    defaultValue: '10000',
    parse: parseInteger(100, 600_000),
  }),
  apiRecentOutcomes: v({
    name: 'PARMANA_API_RECENT_OUTCOMES',
    description:
      'Outcomes each API instance keeps in memory for GET /executions/:id before their audit rows land (older ones are read from Postgres).',
    requiredFor: [],
    defaultValue: '10000',
    parse: parseInteger(0, 1_000_000),
  }),
  apiBodyLimit: v({
    name: 'PARMANA_API_BODY_LIMIT',
    description: 'Largest HTTP request body the API reads, in bytes (413 beyond).',
    requiredFor: [],
    defaultValue: '262144',
    parse: parseInteger(1024, 64 * 1024 * 1024),
  }),
  rateLimitExecute: v({
    name: 'PARMANA_RATE_LIMIT_EXECUTE',
    description: 'POST /execute calls allowed per API key per rate-limit window.',
    requiredFor: [],
    defaultValue: '120000',
    parse: parseInteger(1, 100_000_000),
  }),
  rateLimitOther: v({
    name: 'PARMANA_RATE_LIMIT_OTHER',
    description: 'Calls to every other authenticated route allowed per API key per rate-limit window.',
    requiredFor: [],
    defaultValue: '6000',
    parse: parseInteger(1, 100_000_000),
  }),
  rateLimitWindowMs: v({
    name: 'PARMANA_RATE_LIMIT_WINDOW_MS',
    description: 'Length of the rate-limit window.',
    requiredFor: [],
    defaultValue: '60000',
    parse: parseInteger(1000, 86_400_000),
  }),
  apiTestHooks: v({
    name: 'PARMANA_API_TEST_HOOKS',
    description: 'Enables the /test-hooks routes used by browser tests (1). Never set in production.',
    requiredFor: [],
    defaultValue: '0',
    parse: (raw: string): boolean => {
      if (raw !== '0' && raw !== '1') throw new ConfigValueError('must be 0 or 1');
      return raw === '1';
    },
  }),
  dashboardDir: v({
    name: 'PARMANA_DASHBOARD_DIR',
    description: 'Built dashboard served by the API at / (skipped when the folder does not exist).',
    requiredFor: [],
    defaultValue: 'dashboard/dist',
    parse: parseString,
  }),
  logOrigin: v({
    name: 'PARMANA_LOG_ORIGIN',
    description:
      "The transparency log's origin line: first line of every checkpoint and the signature's key name (a schema-less URL, no spaces or '+').",
    requiredFor: [],
    defaultValue: 'parmana-stream.local/log',
    parse: (raw: string): string => {
      if (!/^[^\s+]{1,200}$/u.test(raw)) throw new ConfigValueError('must be 1-200 characters without spaces or +');
      return raw;
    },
  }),
  logSigningKeyFile: v({
    name: 'PARMANA_LOG_SIGNING_KEY_FILE',
    description:
      'PKCS#8 PEM file of the log-signing key (mode 0600, outside git). The log writer needs it or PARMANA_LOG_SIGNING_KEY_PEM.',
    requiredFor: [],
    defaultValue: '',
    parse: (raw: string) => raw,
  }),
  logSigningKeyPem: v({
    name: 'PARMANA_LOG_SIGNING_KEY_PEM',
    description: 'The log-signing key itself (PKCS#8 PEM text), for platforms that inject secrets as variables.',
    requiredFor: [],
    defaultValue: '',
    parse: (raw: string) => raw,
  }),
  logSigner: v({
    name: 'PARMANA_LOG_SIGNER',
    description:
      'Where the log-signing key is, as a signer URI (file:, pkcs11:, awskms:, as PARMANA_SIGNER). When set it replaces PARMANA_LOG_SIGNING_KEY_FILE / _PEM.',
    requiredFor: [],
    defaultValue: '',
    parse: (raw: string) => raw,
  }),
  logCheckpointIntervalMs: v({
    name: 'PARMANA_LOG_CHECKPOINT_INTERVAL_MS',
    description: 'The log writer signs a checkpoint at least this often while the log grows.',
    requiredFor: [],
    defaultValue: '2000',
    parse: parseInteger(100, 3_600_000),
  }),
  logCheckpointEntries: v({
    name: 'PARMANA_LOG_CHECKPOINT_ENTRIES',
    description: 'The log writer also signs a checkpoint as soon as this many entries were appended since the last.',
    requiredFor: [],
    defaultValue: '5000',
    parse: parseInteger(1, 10_000_000),
  }),
  logMonitorStateFile: v({
    name: 'PARMANA_LOG_MONITOR_STATE_FILE',
    description:
      "Where `parmana log monitor` keeps the last checkpoint it verified (its own trust anchor, not in the log's database).",
    requiredFor: [],
    defaultValue: '.local/log-monitor.json',
    parse: parseString,
  }),
  logMonitorSweepSeconds: v({
    name: 'PARMANA_LOG_MONITOR_SWEEP_SECONDS',
    description:
      'How often the monitor re-hashes every stored entry against its last verified checkpoint (also at start).',
    requiredFor: [],
    defaultValue: '600',
    parse: parseInteger(1, 7 * 86_400),
  }),
} as const;

export type Variables = typeof VARIABLES;
export type VariableKey = keyof Variables;
