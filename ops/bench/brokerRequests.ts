import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { jmxPort } from '../stack/kafkaPart.js';
import { hostPort } from '../stack/waitFor.js';

const run = promisify(execFile);

/** Request counts by Kafka API (Produce, Fetch, EndTxn, …), summed over versions and brokers, since each started. */
export type BrokerRequestCounts = Readonly<Record<string, number>>;

const LINE = /request=([A-Za-z]+),version=\d+:Count,"(\d+)"/;

/**
 * The brokers' own request counters (kafka.network RequestMetrics over JMX, which the local stack opens on loopback):
 * every client counted alike, whichever library it uses. Runs Kafka's JmxTool once per broker (about 0.7 s of one
 * JVM start each), so callers take these readings outside the windows whose CPU they measure. Undefined when a
 * broker has no JMX port (a stack started before it had one).
 */
export async function brokerRequestCounts(
  root: string,
  brokers: readonly string[],
): Promise<BrokerRequestCounts | undefined> {
  const classpath = `${join(root, 'ops/.cache/kafka-3.9.1/libs')}/*`;
  const total: Record<string, number> = {};
  try {
    for (const broker of brokers) {
      const { host, port } = hostPort(broker, 9092);
      const { stdout } = await run(
        'java',
        [
          '-cp',
          classpath,
          'org.apache.kafka.tools.JmxTool',
          '--jmx-url',
          `service:jmx:rmi:///jndi/rmi://${host}:${jmxPort({ port })}/jmxrmi`,
          '--object-name',
          'kafka.network:type=RequestMetrics,name=RequestsPerSec,request=*,version=*',
          '--attributes',
          'Count',
          '--one-time',
          'true',
          '--report-format',
          'csv',
        ],
        { encoding: 'utf8', timeout: 30_000 },
      );
      for (const line of stdout.split('\n')) {
        const m = LINE.exec(line);
        if (m?.[1] !== undefined) total[m[1]] = (total[m[1]] ?? 0) + Number(m[2]);
      }
    }
  } catch {
    return undefined;
  }
  return total;
}

/** Counts between two readings; APIs missing from the first reading started at 0. */
export function requestsBetween(a: BrokerRequestCounts, b: BrokerRequestCounts): Record<string, number> {
  return Object.fromEntries(Object.entries(b).map(([api, n]) => [api, n - (a[api] ?? 0)]));
}
