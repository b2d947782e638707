import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import type { Client } from 'node-rdkafka';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { wireLogging } from './wireLogging.js';

describe('wireLogging (librdkafka lines through pino)', () => {
  it('routine start-up conditions are info, real trouble a warning, fatal errors errors, chatter debug', () => {
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
        done();
      },
    });
    const client = new EventEmitter();
    wireLogging(client as unknown as Client<string>, pino({ level: 'debug' }, sink), 'producer');
    client.emit('event.log', {
      severity: 4,
      fac: 'GETPID',
      message: 'Failed to acquire idempotence PID from broker: Coordinator load in progress: retrying',
    });
    client.emit('event.log', {
      severity: 3,
      fac: 'FAIL',
      message: 'Connect to 127.0.0.1:9092 failed: Connection refused',
    });
    client.emit('event.log', { severity: 7, fac: 'FETCH', message: 'Fetch topic x [0] at offset 5' });
    client.emit('event.error', { message: 'broker transport failure', code: -195, isFatal: false });
    client.emit('event.error', { message: 'producer fenced', code: -150, isFatal: true });
    expect(lines.map((l) => [l.level, l.msg.slice(0, 24)])).toEqual([
      [30, 'Failed to acquire idempot'.slice(0, 24)],
      [40, 'Connect to 127.0.0.1:9092'.slice(0, 24)],
      [20, 'Fetch topic x [0] at offs'.slice(0, 24)],
      [40, 'broker transport failure'],
      [50, 'producer fenced'],
    ]);
  });
});
