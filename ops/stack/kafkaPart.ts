import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKafkaAdmin } from '../../kafka/createKafkaAdmin.js';
import { SASL_MECHANISM, type KafkaConnection } from '../../kafka/KafkaConnection.js';
import type { Credentials } from '../../shared/credentials/Credentials.js';
import { newPassword, writeCredentialsFile } from '../credentials/credentialsFile.js';
import { credentialsDir, ensureCredentials } from '../credentials/ensureCredentials.js';
import { credentialsFileName } from '../credentials/principals.js';
import { kafkaConnection } from '../runtime/kafkaConnection.js';
import { fetchKafka } from './artifacts.js';
import { ensureCommand } from './prerequisites.js';
import { isOurProcess, readPid, spawnDetached, stopRecorded } from './processes.js';
import type { PartStatus, StackContext, StackPart } from './StackPart.js';
import { hostPort, StackError, tcpOpen, waitFor } from './waitFor.js';

const MARKER = 'kafka.Kafka';

/** One KRaft node (combined broker and controller) of the local stack. */
export interface KafkaNode {
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly dir: string;
}

/** A single broker or a cluster: the nodes, where they keep their files, and how they replicate. */
export interface KafkaLayout {
  readonly name: string;
  readonly nodes: readonly KafkaNode[];
  /** Shared by every node: the cluster id is formatted into each node's storage. */
  readonly clusterIdFile: string;
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
  readonly heap: string;
}

const nodePaths = (n: KafkaNode) => ({
  data: join(n.dir, 'data'),
  /** Which credentials the storage was formatted with (a hash, no password): SCRAM users live in its metadata. */
  scramMarker: join(n.dir, 'scram-credentials.sha256'),
  properties: join(n.dir, 'server.properties'),
  log4j: join(n.dir, 'log4j.properties'),
  log: join(n.dir, 'kafka.log'),
  pid: join(n.dir, 'kafka.pid'),
});

/** The default stack: one node on KAFKA_BROKERS' first address, its controller on the next port. */
export function singleLayout(ctx: Pick<StackContext, 'stackDir' | 'config'>): KafkaLayout {
  const first = ctx.config.kafkaBrokers[0];
  if (first === undefined) throw new StackError('kafka', 'KAFKA_BROKERS is empty');
  const { host, port } = hostPort(first, 9092);
  const dir = join(ctx.stackDir, 'kafka');
  return {
    name: 'kafka',
    nodes: [{ id: 1, host, port, controllerPort: port + 1, dir }],
    clusterIdFile: join(dir, 'cluster-id'),
    replicationFactor: 1,
    minInsyncReplicas: 1,
    heap: '-Xmx768m',
  };
}

/**
 * `stack up --brokers 3`: three nodes on spare ports (PARMANA_KAFKA_CLUSTER_PORT, PORT+2, PORT+4 for the brokers,
 * the next port of each for its controller), a three-voter quorum, internal topics replicated three times with
 * two in sync required. It runs beside the single broker; point KAFKA_BROKERS at it to use it.
 */
export function clusterLayout(ctx: Pick<StackContext, 'stackDir' | 'config'>, brokers = 3): KafkaLayout {
  const base = ctx.config.kafkaClusterPort;
  const dir = join(ctx.stackDir, 'kafka-cluster');
  return {
    name: 'kafka-cluster',
    nodes: Array.from({ length: brokers }, (_, i) => ({
      id: i + 1,
      host: '127.0.0.1',
      port: base + 2 * i,
      controllerPort: base + 2 * i + 1,
      dir: join(dir, `node-${i + 1}`),
    })),
    clusterIdFile: join(dir, 'cluster-id'),
    replicationFactor: Math.min(3, brokers),
    minInsyncReplicas: brokers >= 3 ? 2 : 1,
    heap: '-Xmx512m',
  };
}

/** The bootstrap list of a layout, for KAFKA_BROKERS. */
export function layoutBrokers(layout: KafkaLayout): string[] {
  return layout.nodes.map((n) => `${n.host}:${n.port}`);
}

/** The principals a secured stack bootstraps: the brokers' own, the controllers', and every SCRAM user. */
export interface KafkaSecurity {
  readonly broker: Credentials;
  readonly controller: Credentials;
  readonly admin: Credentials;
  /** Every SCRAM user formatted into the storage (the broker and admin included). */
  readonly scramUsers: readonly Credentials[];
}

/** JAAS values are quoted strings; the generated passwords are base64url, but a hand-written one may not be. */
function jaasQuote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Client listener SASL_PLAINTEXT with SCRAM-SHA-512 (the brokers talk to each other on it as `broker`); the
 * controller listener, on loopback, SASL_PLAINTEXT with PLAIN and one static user, because KRaft controllers cannot
 * read SCRAM credentials (they are metadata the quorum itself serves). StandardAuthorizer everywhere, nothing
 * allowed without an ACL, super users: the broker, the controller and the admin principal.
 */
function securityProperties(security: KafkaSecurity): string[] {
  const scram = `org.apache.kafka.common.security.scram.ScramLoginModule required username=${jaasQuote(security.broker.username)} password=${jaasQuote(security.broker.password)};`;
  const c = security.controller;
  const plain = `org.apache.kafka.common.security.plain.PlainLoginModule required username=${jaasQuote(c.username)} password=${jaasQuote(c.password)} user_${c.username}=${jaasQuote(c.password)};`;
  return [
    'listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT',
    'inter.broker.listener.name=SASL_PLAINTEXT',
    `sasl.enabled.mechanisms=${SASL_MECHANISM}`,
    `sasl.mechanism.inter.broker.protocol=${SASL_MECHANISM}`,
    `listener.name.sasl_plaintext.${SASL_MECHANISM.toLowerCase()}.sasl.jaas.config=${scram}`,
    'sasl.mechanism.controller.protocol=PLAIN',
    'listener.name.controller.sasl.enabled.mechanisms=PLAIN',
    `listener.name.controller.plain.sasl.jaas.config=${plain}`,
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'allow.everyone.if.no.acl.found=false',
    `super.users=${[security.broker, c, security.admin].map((u) => `User:${u.username}`).join(';')}`,
  ];
}

function serverProperties(layout: KafkaLayout, n: KafkaNode, security: KafkaSecurity | undefined): string {
  const voters = layout.nodes.map((v) => `${v.id}@${v.host}:${v.controllerPort}`).join(',');
  const rf = layout.replicationFactor;
  const client = security === undefined ? 'PLAINTEXT' : 'SASL_PLAINTEXT';
  return [
    'process.roles=broker,controller',
    `node.id=${n.id}`,
    `controller.quorum.voters=${voters}`,
    `listeners=${client}://${n.host}:${n.port},CONTROLLER://${n.host}:${n.controllerPort}`,
    `advertised.listeners=${client}://${n.host}:${n.port}`,
    'controller.listener.names=CONTROLLER',
    ...(security === undefined
      ? [
          'inter.broker.listener.name=PLAINTEXT',
          'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        ]
      : securityProperties(security)),
    `log.dirs=${nodePaths(n).data}`,
    'auto.create.topics.enable=false',
    'num.partitions=1',
    `default.replication.factor=${rf}`,
    `min.insync.replicas=${layout.minInsyncReplicas}`,
    `offsets.topic.replication.factor=${rf}`,
    'offsets.topic.num.partitions=12',
    `transaction.state.log.replication.factor=${rf}`,
    `transaction.state.log.min.isr=${layout.minInsyncReplicas}`,
    'transaction.state.log.num.partitions=12',
    // Local stack: no reason to hold the first rebalance back.
    'group.initial.rebalance.delay.ms=0',
    // Sized for a small machine shared with the whole product: fewer broker threads, less context switching.
    'num.network.threads=2',
    'num.io.threads=4',
    'background.threads=4',
    // Failover (docs/operations.md): short sessions are allowed, and a dead producer's open transaction is aborted
    // within a second of its timeout instead of up to ten.
    'group.min.session.timeout.ms=1000',
    'transaction.abort.timed.out.transaction.cleanup.interval.ms=1000',
    // A replica that stops fetching leaves the ISR after this (acks=all waits for the ISR only).
    'replica.lag.time.max.ms=10000',
    'log.retention.hours=168',
    // The active controller appends a no-op record to the metadata log this often when nothing else changes (KIP-835,
    // default 500 ms): at idle that was a third of the broker's CPU. Liveness and fencing do not depend on it (broker
    // heartbeats and the quorum's fetch timeout do); it only refreshes the metadata high watermark.
    'metadata.max.idle.interval.ms=5000',
    '',
  ].join('\n');
}

const LOG4J = [
  'log4j.rootLogger=INFO, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  'log4j.logger.kafka=INFO',
  'log4j.logger.org.apache.kafka=INFO',
  '',
].join('\n');

async function clusterAnswers(connection: KafkaConnection, expected: number): Promise<boolean> {
  const admin = createKafkaAdmin(connection, 'parmana-stack', true);
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length >= expected;
  } finally {
    await admin.disconnect();
  }
}

function clusterId(layout: KafkaLayout): string {
  if (existsSync(layout.clusterIdFile)) return readFileSync(layout.clusterIdFile, 'utf8').trim();
  // Formatted once, with a fresh cluster id shared by every node; later starts reuse it.
  const id = randomBytes(16).toString('base64url');
  writeFileSync(layout.clusterIdFile, `${id}\n`);
  return id;
}

/**
 * The stack's Kafka principals when authentication is on (PARMANA_ADMIN_KAFKA_CREDENTIALS set, as ops/local.env
 * does): the credentials files are generated if missing. Unset: a plaintext stack without ACLs, as before.
 */
export function kafkaSecurity(ctx: Pick<StackContext, 'root' | 'config'>): KafkaSecurity | undefined {
  if (ctx.config.kafkaCredentialsAdmin === '') return undefined;
  const { credentials } = ensureCredentials(ctx.root, (p) => p.component === 'kafka');
  const get = (kind: string): Credentials => {
    const c = credentials.get(`kafka-${kind}`);
    if (c === undefined) throw new StackError('kafka', `no credentials for the ${kind} principal`);
    return c;
  };
  // The admin principal is whatever the configured file says (it may live outside .local/credentials).
  const admin = kafkaConnection(ctx.config, 'admin', ctx.root).sasl ?? get('admin');
  const users = [...credentials.values()].filter((c) => c.process !== 'controller' && c.process !== 'admin');
  return { broker: get('broker'), controller: get('controller'), admin, scramUsers: [...users, admin] };
}

/** A fingerprint of the SCRAM users a storage holds, so a storage formatted with other passwords is noticed. */
function scramFingerprint(security: KafkaSecurity | undefined): string {
  if (security === undefined) return 'plaintext';
  const lines = security.scramUsers.map((u) => `${u.username}\n${u.password}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** Starts one node if it is not running (formatting its storage the first time); returns its pid. */
export function startKafkaNode(ctx: StackContext, layout: KafkaLayout, n: KafkaNode): number {
  const p = nodePaths(n);
  const running = readPid(p.pid);
  if (running !== undefined && isOurProcess(running, MARKER)) return running;
  ensureCommand(layout.name, 'java', 'openjdk-17-jre-headless', ctx.print);
  const libs = fetchKafka(ctx.root, ctx.cacheDir, ctx.print);
  const security = kafkaSecurity(ctx);
  mkdirSync(p.data, { recursive: true });
  // Passwords are in it (the JAAS lines): only the stack's user reads it.
  writeFileSync(p.properties, serverProperties(layout, n, security), { mode: 0o600 });
  chmodSync(p.properties, 0o600);
  writeFileSync(p.log4j, LOG4J);
  const classpath = `${libs}/*`;
  const log4j = `-Dlog4j.configuration=file:${p.log4j}`;
  const fingerprint = scramFingerprint(security);
  if (!existsSync(join(p.data, 'meta.properties'))) {
    // SCRAM users go into the storage's bootstrap metadata: the brokers need theirs before any of them runs.
    const scram = (security?.scramUsers ?? []).flatMap((u) => [
      '--add-scram',
      `${SASL_MECHANISM}=[name=${u.username},password=${u.password}]`,
    ]);
    const format = spawnSync(
      'java',
      [
        log4j,
        '-cp',
        classpath,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId(layout),
        '-c',
        p.properties,
        ...scram,
      ],
      { encoding: 'utf8' },
    );
    writeFileSync(p.log, `${format.stdout}${format.stderr}`, { flag: 'a' });
    if (format.status !== 0) throw new StackError(layout.name, 'formatting the KRaft storage failed', p.log);
    writeFileSync(p.scramMarker, `${fingerprint}\n`);
  } else {
    const formatted = existsSync(p.scramMarker) ? readFileSync(p.scramMarker, 'utf8').trim() : 'plaintext';
    if (formatted !== fingerprint) {
      throw new StackError(
        layout.name,
        `the storage in ${n.dir} was formatted ${formatted === 'plaintext' ? 'without authentication' : 'with other credentials'} than .local/credentials now hold. Rotate a password on the running broker (docs/operations.md, "Kafka principals"), or start afresh: stack down, remove ${n.dir}, stack up, provision`,
      );
    }
  }
  return spawnDetached(
    'java',
    [
      '-Xms256m',
      layout.heap,
      '-XX:+UseG1GC',
      '-Djava.awt.headless=true',
      log4j,
      // Request counters for the benchmarks (ops/bench/brokerRequests.ts), reachable on loopback only.
      ...jmxFlags(n),
      `-Dkafka.logs.dir=${n.dir}`,
      '-cp',
      classpath,
      MARKER,
      p.properties,
    ],
    { logFile: p.log, pidFile: p.pid },
  );
}

/** JMX port of a node: its broker port + 7 (9099 for the single node; 19099, 19101, 19103 for the cluster). */
export function jmxPort(n: Pick<KafkaNode, 'port'>): number {
  return n.port + 7;
}

function jmxFlags(n: KafkaNode): string[] {
  const port = jmxPort(n);
  return [
    `-Dcom.sun.management.jmxremote.port=${port}`,
    `-Dcom.sun.management.jmxremote.rmi.port=${port}`,
    `-Dcom.sun.management.jmxremote.host=${n.host}`,
    `-Djava.rmi.server.hostname=${n.host}`,
    '-Dcom.sun.management.jmxremote.authenticate=false',
    '-Dcom.sun.management.jmxremote.ssl=false',
  ];
}

/** The recorded pid of a running node, if any (tests kill -9 it to fail a broker). */
export function kafkaNodePid(n: KafkaNode): number | undefined {
  const pid = readPid(nodePaths(n).pid);
  return pid !== undefined && isOurProcess(pid, MARKER) ? pid : undefined;
}

/** A stack part for a layout: starts every node (skipping running ones) and waits for all brokers to answer. */
export function kafkaPartFor(layoutOf: (ctx: StackContext) => KafkaLayout): StackPart {
  return {
    name: 'kafka',
    pidFile: (stackDir) => nodePaths({ id: 1, host: '', port: 0, controllerPort: 0, dir: join(stackDir, 'kafka') }).pid,

    async up(ctx) {
      const layout = layoutOf(ctx);
      const brokers = layoutBrokers(layout);
      const connection = { brokers, sasl: kafkaSecurity(ctx)?.admin };
      const started: string[] = [];
      for (const n of layout.nodes) {
        if (kafkaNodePid(n) !== undefined) continue;
        if (await tcpOpen(n.host, n.port)) {
          throw new StackError(layout.name, `port ${n.port} is taken by a process this stack did not start`);
        }
        started.push(`node ${n.id} pid ${startKafkaNode(ctx, layout, n)}`);
      }
      const first = layout.nodes[0];
      await waitFor(layout.name, () => clusterAnswers(connection, layout.nodes.length), {
        timeoutMs: 120_000,
        ...(first === undefined ? {} : { logFile: nodePaths(first).log }),
      });
      const what = started.length === 0 ? 'already running' : `started ${started.join(', ')}`;
      const auth = connection.sasl === undefined ? 'no authentication' : `SASL/${SASL_MECHANISM}, ACLs`;
      return `${what}; brokers ${brokers.join(',')}, ${auth} (replication ${layout.replicationFactor}, min ISR ${layout.minInsyncReplicas})`;
    },

    async down(ctx) {
      const layout = layoutOf(ctx);
      const results = await Promise.all(layout.nodes.map((n) => stopRecorded(nodePaths(n).pid, MARKER, 30_000)));
      return layout.nodes.length === 1 ? (results[0] ?? 'not running') : results.join(', ');
    },

    async status(ctx): Promise<PartStatus> {
      const layout = layoutOf(ctx);
      const ours = layout.nodes.filter((n) => kafkaNodePid(n) !== undefined).length;
      const connection = { brokers: layoutBrokers(layout), sasl: kafkaSecurity(ctx)?.admin };
      const answers = await clusterAnswers(connection, layout.nodes.length).catch(() => false);
      return {
        running: ours === layout.nodes.length && answers,
        detail: `${ours}/${layout.nodes.length} node(s) started by the stack, brokers ${answers ? 'answer' : 'do not answer'} (${layout.nodes.map((n) => nodePaths(n).log).join(', ')})`,
      };
    },
  };
}

/** The single local broker of the default stack. */
export const kafkaPart: StackPart = kafkaPartFor(singleLayout);

/**
 * `stack kafka-password <process>`: gives a principal a new random password on every running layout (the SCRAM
 * credential is cluster metadata: one change per cluster), then in its credentials file, then in each storage's
 * fingerprint. The old password stops working at once; restart the process to use the new one. The broker's and the
 * controller's own passwords sit in server.properties too and are changed by formatting afresh.
 */
export function rotateKafkaPassword(ctx: StackContext, layouts: readonly KafkaLayout[], kind: string): string[] {
  if (kind === 'broker' || kind === 'controller') {
    throw new StackError(
      'kafka',
      `the ${kind} password is in every node's server.properties: format afresh to change it`,
    );
  }
  const before = kafkaSecurity(ctx);
  if (before === undefined)
    throw new StackError('kafka', 'the stack runs without authentication (PARMANA_ADMIN_KAFKA_CREDENTIALS unset)');
  const { credentials } = ensureCredentials(ctx.root, (p) => p.component === 'kafka' && p.process === kind);
  const current = credentials.get(`kafka-${kind}`);
  if (current === undefined) throw new StackError('kafka', `no Kafka principal "${kind}"`);
  const running = layouts.filter((l) => l.nodes.every((n) => kafkaNodePid(n) !== undefined));
  if (running.length === 0) throw new StackError('kafka', 'no Kafka layout is running: start it first (stack up)');
  const password = newPassword();
  const libs = fetchKafka(ctx.root, ctx.cacheDir, ctx.print);
  const report: string[] = [];
  for (const layout of running) {
    const first = layout.nodes[0];
    if (first === undefined) continue;
    // Passwords go through 0600 files, never the command line (visible to every user in ps).
    const adminProps = join(first.dir, 'admin-client.properties');
    const change = join(first.dir, 'scram-change.properties');
    writeFileSync(
      adminProps,
      [
        'security.protocol=SASL_PLAINTEXT',
        `sasl.mechanism=${SASL_MECHANISM}`,
        `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=${jaasQuote(before.admin.username)} password=${jaasQuote(before.admin.password)};`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    // The file form is `<mechanism>=password=<p>` (the bracketed form is for --add-config only).
    writeFileSync(change, `${SASL_MECHANISM}=password=${password}\n`, { mode: 0o600 });
    try {
      const r = spawnSync(
        'java',
        [
          '-cp',
          `${libs}/*`,
          'kafka.admin.ConfigCommand',
          '--bootstrap-server',
          layoutBrokers(layout).join(','),
          '--command-config',
          adminProps,
          '--alter',
          '--entity-type',
          'users',
          '--entity-name',
          current.username,
          '--add-config-file',
          change,
        ],
        { encoding: 'utf8' },
      );
      if (r.status !== 0) {
        // The tool echoes what it could not parse: never print a password.
        const said = `${r.stderr}${r.stdout}`.split(password).join('***').split(before.admin.password).join('***');
        throw new StackError(layout.name, `changing the password failed: ${said.trim()}`);
      }
    } finally {
      rmSync(change, { force: true });
      rmSync(adminProps, { force: true });
    }
    report.push(`${layout.name}: ${current.username} has a new password`);
  }
  const file = join(credentialsDir(ctx.root), credentialsFileName({ component: 'kafka', process: kind }));
  writeCredentialsFile(file, { username: current.username, password });
  const after = kafkaSecurity(ctx);
  for (const layout of running)
    for (const n of layout.nodes) writeFileSync(nodePaths(n).scramMarker, `${scramFingerprint(after)}\n`);
  report.push(`${file} updated: restart the ${kind} process(es) to use it`);
  return report;
}
