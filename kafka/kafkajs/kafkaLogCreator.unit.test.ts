import { Writable } from 'node:stream';
import { logLevel } from 'kafkajs';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { kafkaLogCreator } from './kafkaLogCreator.js';

describe('kafkaLogCreator', () => {
  it('sends kafkajs lines through pino; routine retried answers are info, real errors stay errors', () => {
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
        done();
      },
    });
    const log = pino({ level: 'debug' }, sink);
    const write = kafkaLogCreator(log)(logLevel.WARN);
    const entry = (message: string, error?: string) => ({
      namespace: 'Producer',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: { timestamp: 't', logger: 'kafkajs', message, ...(error === undefined ? {} : { error }) },
    });
    write(
      entry(
        'retrying',
        'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing',
      ),
    );
    write(entry('broker down', 'Connection refused'));
    write({ ...entry('rebalancing'), level: logLevel.WARN });
    write(
      entry('[Connection] Response GroupCoordinator', "The coordinator is loading and hence can't process requests"),
    );
    write(entry('[Connection] Response FindCoordinator', 'The group coordinator is not available'));
    write({ ...entry('fetching'), level: logLevel.DEBUG });
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [30, 'retrying'],
      [50, 'broker down'],
      [40, 'rebalancing'],
      [30, '[Connection] Response GroupCoordinator'],
      [30, '[Connection] Response FindCoordinator'],
      [20, 'fetching'],
    ]);
  });
});
