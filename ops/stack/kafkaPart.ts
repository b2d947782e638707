import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKafkaAdmin } from '../../kafka/createKafkaAdmin.js';
import { fetchKafka } from './artifacts.js';
import { ensureCommand } from './prerequisites.js';
import { isOurProcess, readPid, spawnDetached, stopRecorded } from './processes.js';
import type { PartStatus, StackContext, StackPart } from './StackPart.js';
import { hostPort, StackError, tcpOpen, waitFor } from './waitFor.js';

const MARKER = 'kafka.Kafka';

function paths(ctx: Pick<StackContext, 'stackDir'>) {
  const dir = join(ctx.stackDir, 'kafka');
  return {
    dir,
    data: join(dir, 'data'),
    properties: join(dir, 'server.properties'),
    log4j: join(dir, 'log4j.properties'),
    log: join(dir, 'kafka.log'),
    pid: join(dir, 'kafka.pid'),
  };
}

function broker(ctx: StackContext): { host: string; port: number } {
  const first = ctx.config.kafkaBrokers[0];
  if (first === undefined) throw new StackError('kafka', 'KAFKA_BROKERS is empty');
  return hostPort(first, 9092);
}

/** Single-node KRaft (combined broker and controller); topics are never auto-created. */
function serverProperties(host: string, port: number, data: string): string {
  const controllerPort = port + 1;
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${host}:${controllerPort}`,
    `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${host}:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${data}`,
    'auto.create.topics.enable=false',
    'num.partitions=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=12',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=12',
    // A single local broker: no reason to hold the first rebalance back.
    'group.initial.rebalance.delay.ms=0',
    // Sized for a small machine shared with the whole product: fewer broker threads, less context switching.
    'num.network.threads=2',
    'num.io.threads=4',
    'background.threads=4',
    // Failover (docs/operations.md): short sessions are allowed, and a dead producer's open transaction is aborted
    // within a second of its timeout instead of up to ten.
    'group.min.session.timeout.ms=1000',
    'transaction.abort.timed.out.transaction.cleanup.interval.ms=1000',
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

async function clusterAnswers(brokers: readonly string[]): Promise<boolean> {
  const admin = createKafkaAdmin(brokers, 'parmana-stack', true);
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } finally {
    await admin.disconnect();
  }
}

export const kafkaPart: StackPart = {
  name: 'kafka',
  pidFile: (stackDir) => paths({ stackDir }).pid,

  async up(ctx) {
    const p = paths(ctx);
    const { host, port } = broker(ctx);
    const pid = readPid(p.pid);
    if (pid !== undefined && isOurProcess(pid, MARKER)) {
      await waitFor('kafka', () => clusterAnswers(ctx.config.kafkaBrokers), { timeoutMs: 60_000, logFile: p.log });
      return `already running (pid ${pid}) on ${host}:${port}`;
    }
    if (await tcpOpen(host, port)) {
      throw new StackError('kafka', `port ${port} is taken by a process this stack did not start`);
    }
    ensureCommand('kafka', 'java', 'openjdk-17-jre-headless', ctx.print);
    const libs = fetchKafka(ctx.root, ctx.cacheDir, ctx.print);
    mkdirSync(p.data, { recursive: true });
    writeFileSync(p.properties, serverProperties(host, port, p.data));
    writeFileSync(p.log4j, LOG4J);
    const classpath = `${libs}/*`;
    const log4j = `-Dlog4j.configuration=file:${p.log4j}`;
    if (!existsSync(join(p.data, 'meta.properties'))) {
      // KRaft storage is formatted once, with a fresh cluster id; later starts reuse it.
      const clusterId = randomBytes(16).toString('base64url');
      const format = spawnSync(
        'java',
        [log4j, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', p.properties],
        { encoding: 'utf8' },
      );
      writeFileSync(p.log, `${format.stdout}${format.stderr}`, { flag: 'a' });
      if (format.status !== 0) throw new StackError('kafka', 'formatting the KRaft storage failed', p.log);
    }
    const started = spawnDetached(
      'java',
      [
        '-Xms512m',
        '-Xmx768m',
        '-XX:+UseG1GC',
        '-Djava.awt.headless=true',
        log4j,
        `-Dkafka.logs.dir=${p.dir}`,
        '-cp',
        classpath,
        MARKER,
        p.properties,
      ],
      { logFile: p.log, pidFile: p.pid },
    );
    await waitFor('kafka', () => clusterAnswers(ctx.config.kafkaBrokers), {
      timeoutMs: 90_000,
      logFile: p.log,
      alive: () => isOurProcess(started, MARKER),
    });
    return `started (pid ${started}) on ${host}:${port}, controller on ${port + 1}`;
  },

  async down(ctx) {
    return stopRecorded(paths(ctx).pid, MARKER, 30_000);
  },

  async status(ctx): Promise<PartStatus> {
    const p = paths(ctx);
    const pid = readPid(p.pid);
    const ours = pid !== undefined && isOurProcess(pid, MARKER);
    const answers = await clusterAnswers(ctx.config.kafkaBrokers).catch(() => false);
    return {
      running: ours && answers,
      detail: `${ours ? `pid ${String(pid)}` : 'not started by the stack'}, broker ${answers ? 'answers' : 'does not answer'} (log ${p.log})`,
    };
  },
};
