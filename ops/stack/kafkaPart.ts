import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKafkaAdmin } from '../../kafka/createKafkaAdmin.js';
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

function serverProperties(layout: KafkaLayout, n: KafkaNode): string {
  const voters = layout.nodes.map((v) => `${v.id}@${v.host}:${v.controllerPort}`).join(',');
  const rf = layout.replicationFactor;
  return [
    'process.roles=broker,controller',
    `node.id=${n.id}`,
    `controller.quorum.voters=${voters}`,
    `listeners=PLAINTEXT://${n.host}:${n.port},CONTROLLER://${n.host}:${n.controllerPort}`,
    `advertised.listeners=PLAINTEXT://${n.host}:${n.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
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

async function clusterAnswers(brokers: readonly string[], expected: number): Promise<boolean> {
  const admin = createKafkaAdmin(brokers, 'parmana-stack', true);
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

/** Starts one node if it is not running (formatting its storage the first time); returns its pid. */
export function startKafkaNode(ctx: StackContext, layout: KafkaLayout, n: KafkaNode): number {
  const p = nodePaths(n);
  const running = readPid(p.pid);
  if (running !== undefined && isOurProcess(running, MARKER)) return running;
  ensureCommand(layout.name, 'java', 'openjdk-17-jre-headless', ctx.print);
  const libs = fetchKafka(ctx.root, ctx.cacheDir, ctx.print);
  mkdirSync(p.data, { recursive: true });
  writeFileSync(p.properties, serverProperties(layout, n));
  writeFileSync(p.log4j, LOG4J);
  const classpath = `${libs}/*`;
  const log4j = `-Dlog4j.configuration=file:${p.log4j}`;
  if (!existsSync(join(p.data, 'meta.properties'))) {
    const format = spawnSync(
      'java',
      [log4j, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId(layout), '-c', p.properties],
      { encoding: 'utf8' },
    );
    writeFileSync(p.log, `${format.stdout}${format.stderr}`, { flag: 'a' });
    if (format.status !== 0) throw new StackError(layout.name, 'formatting the KRaft storage failed', p.log);
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
      const started: string[] = [];
      for (const n of layout.nodes) {
        if (kafkaNodePid(n) !== undefined) continue;
        if (await tcpOpen(n.host, n.port)) {
          throw new StackError(layout.name, `port ${n.port} is taken by a process this stack did not start`);
        }
        started.push(`node ${n.id} pid ${startKafkaNode(ctx, layout, n)}`);
      }
      const first = layout.nodes[0];
      await waitFor(layout.name, () => clusterAnswers(brokers, layout.nodes.length), {
        timeoutMs: 120_000,
        ...(first === undefined ? {} : { logFile: nodePaths(first).log }),
      });
      const what = started.length === 0 ? 'already running' : `started ${started.join(', ')}`;
      return `${what}; brokers ${brokers.join(',')} (replication ${layout.replicationFactor}, min ISR ${layout.minInsyncReplicas})`;
    },

    async down(ctx) {
      const layout = layoutOf(ctx);
      const results = await Promise.all(layout.nodes.map((n) => stopRecorded(nodePaths(n).pid, MARKER, 30_000)));
      return layout.nodes.length === 1 ? (results[0] ?? 'not running') : results.join(', ');
    },

    async status(ctx): Promise<PartStatus> {
      const layout = layoutOf(ctx);
      const ours = layout.nodes.filter((n) => kafkaNodePid(n) !== undefined).length;
      const answers = await clusterAnswers(layoutBrokers(layout), layout.nodes.length).catch(() => false);
      return {
        running: ours === layout.nodes.length && answers,
        detail: `${ours}/${layout.nodes.length} node(s) started by the stack, brokers ${answers ? 'answer' : 'do not answer'} (${layout.nodes.map((n) => nodePaths(n).log).join(', ')})`,
      };
    },
  };
}

/** The single local broker of the default stack. */
export const kafkaPart: StackPart = kafkaPartFor(singleLayout);
