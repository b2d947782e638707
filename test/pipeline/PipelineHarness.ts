import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import pg from 'pg';
import { AvroCodec } from '../../shared/codec/AvroCodec.js';
import { createExecutionProducer, type ExecutionProducer } from '../../producers/createExecutionProducer.js';
import { freshDatabase } from '../freshDatabase.js';
import { SERVICE_ENV, SERVICE_NODE_FLAGS } from '../../ops/runtime/serviceNodeFlags.js';
import { kafkajsConnectionConfig } from '../../kafka/KafkaConnection.js';
import { testKafkaSasl } from '../testKafka.js';

export interface ConsumedRecord {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  partition: number;
  offset: string;
}

/**
 * One isolated pipeline on the shared local stack: its own topics, consumer groups, schema subjects and audit
 * database, so e2e files never see each other's records. Processes are the real `parmana worker` / `parmana sinks`.
 */
export class PipelineHarness {
  readonly env: NodeJS.ProcessEnv;
  readonly topics: Record<'requests' | 'attestations' | 'rejections' | 'securityEvents' | 'deadLetter', string>;
  readonly pool: pg.Pool;
  readonly codec: AvroCodec;
  readonly kafka: Kafka;
  readonly producer: ExecutionProducer;
  private readonly children = new Set<ChildProcess>();

  private constructor(
    env: NodeJS.ProcessEnv,
    private readonly dropDb: () => Promise<void>,
  ) {
    this.env = env;
    this.topics = {
      requests: env.PARMANA_TOPIC_REQUESTS ?? '',
      attestations: env.PARMANA_TOPIC_ATTESTATIONS ?? '',
      rejections: env.PARMANA_TOPIC_REJECTIONS ?? '',
      securityEvents: env.PARMANA_TOPIC_SECURITY_EVENTS ?? '',
      deadLetter: env.PARMANA_TOPIC_DEAD_LETTER ?? '',
    };
    this.pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 3 });
    // Idle clients die when an outage test stops the server; queries fail loudly on their own.
    this.pool.on('error', () => undefined);
    this.codec = new AvroCodec(env.SCHEMA_REGISTRY_URL ?? '');
    const brokers = (env.KAFKA_BROKERS ?? '').split(',');
    // The test itself reads and sets up as the admin principal; requests go in as the producer SDK's principal.
    this.kafka = new Kafka({
      ...kafkajsConnectionConfig({ brokers, sasl: testKafkaSasl() }),
      clientId: `${env.PARMANA_CLIENT_ID ?? ''}-test`,
      logLevel: logLevel.NOTHING,
    });
    this.producer = createExecutionProducer({
      brokers,
      sasl: testKafkaSasl('PRODUCER'),
      clientId: `${env.PARMANA_CLIENT_ID ?? ''}-producer`,
      registryUrl: env.SCHEMA_REGISTRY_URL ?? '',
      topic: this.topics.requests,
      maxRequestBytes: 65_536,
    });
  }

  static async create(overrides: Record<string, string> = {}, databaseServerUrl?: string): Promise<PipelineHarness> {
    const id = randomBytes(5).toString('hex');
    const db = await freshDatabase(databaseServerUrl);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      LOG_LEVEL: 'warn',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      DATABASE_URL: db.url,
      PARMANA_CLIENT_ID: `e2e-${id}`,
      PARMANA_TOPIC_REQUESTS: `e2e.${id}.requests`,
      PARMANA_TOPIC_ATTESTATIONS: `e2e.${id}.attestations`,
      PARMANA_TOPIC_REJECTIONS: `e2e.${id}.rejections`,
      PARMANA_TOPIC_OVERRIDES: `e2e.${id}.overrides`,
      PARMANA_TOPIC_SECURITY_EVENTS: `e2e.${id}.security-events`,
      PARMANA_TOPIC_VERIFICATIONS: `e2e.${id}.verifications`,
      PARMANA_TOPIC_API_CALLS: `e2e.${id}.api-calls`,
      PARMANA_TOPIC_DEAD_LETTER: `e2e.${id}.dead-letter`,
      PARMANA_TOPIC_HEARTBEATS: `e2e.${id}.heartbeats`,
      PARMANA_TOPIC_LOG_CHECKPOINTS: `e2e.${id}.log-checkpoints`,
      ...overrides,
    };
    const provision = spawnSync(process.execPath, ['bin/parmana.js', 'provision'], { env, encoding: 'utf8' });
    if (provision.status !== 0) throw new Error(`provision failed: ${provision.stderr}${provision.stdout}`);
    const h = new PipelineHarness(env, db.drop);
    await h.producer.connect();
    return h;
  }

  /** Starts `parmana <args>` as a child process with this pipeline's environment. */
  start(args: readonly string[], extraEnv: Record<string, string> = {}): ChildProcess {
    const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, 'bin/parmana.js', ...args], {
      env: { ...this.env, ...SERVICE_ENV, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    const keep = (d: Buffer): void => {
      lines.push(d.toString());
      if (lines.length > 2000) lines.shift();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    (child as ChildProcess & { output: string[] }).output = lines;
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  static output(child: ChildProcess): string {
    return ((child as ChildProcess & { output?: string[] }).output ?? []).join('');
  }

  async stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => {
        resolve(code);
      });
    });
    child.kill(signal);
    const code = await Promise.race([exited, sleep(30_000).then(() => 'timeout' as const)]);
    if (code === 'timeout') {
      child.kill('SIGKILL');
      return null;
    }
    return code;
  }

  async count(sql: string, params: unknown[] = []): Promise<number> {
    const r = await this.pool.query<{ n: string }>(sql, params);
    return Number(r.rows[0]?.n ?? 0);
  }

  /** Number of executionIds with a decision or a rejection whose id starts with `prefix`. */
  async outcomes(prefix: string): Promise<number> {
    return this.count(
      `SELECT count(DISTINCT execution_id) AS n FROM (SELECT execution_id FROM audit_decisions WHERE execution_id LIKE $1
       UNION ALL SELECT execution_id FROM audit_rejections WHERE execution_id LIKE $1) o`,
      [`${prefix}%`],
    );
  }

  async waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check()) return;
      await sleep(250);
    }
    const logs = [...this.children].map((c) => PipelineHarness.output(c).slice(-3000)).join('\n---\n');
    throw new Error(`timed out waiting for ${what}\n${logs}`);
  }

  /** Reads a topic from the beginning with read_committed until `count` records arrived (or the timeout). */
  async readTopic(topic: string, count: number, timeoutMs = 60_000): Promise<ConsumedRecord[]> {
    const consumer = this.kafka.consumer({
      groupId: `reader-${randomBytes(6).toString('hex')}`,
      readUncommitted: false,
    });
    const out: ConsumedRecord[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: ({ message, partition }) => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
          out.push({
            key: message.key?.toString() ?? null,
            value: message.value,
            headers,
            partition,
            offset: message.offset,
          });
          if (out.length >= count) resolve();
          return Promise.resolve();
        },
      });
    });
    await Promise.race([done, sleep(timeoutMs)]);
    // Give a moment for anything beyond `count` (a duplicate would show up here).
    await sleep(1_000);
    await consumer.disconnect();
    return out;
  }

  async admin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await use(admin);
    } finally {
      await admin.disconnect();
    }
  }

  async close(): Promise<void> {
    for (const child of [...this.children]) await this.stop(child);
    await this.producer.disconnect();
    await this.pool.end();
    await this.dropDb();
  }
}
