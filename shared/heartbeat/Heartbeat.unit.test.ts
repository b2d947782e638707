import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { heartbeatKey, toHeartbeat, type Heartbeat } from './Heartbeat.js';

const worker: Heartbeat = {
  component: 'worker',
  instanceId: 'host-42',
  at: '2026-01-01T00:00:05.000Z',
  intervalMs: 5000,
  status: 'paused',
  signerKeyId: 'ed25519:abc',
  trustRootVersion: 2,
  runtimeVersion: 'parmana-stream@0.1.0',
  lag: [
    { groupId: 'parmana-worker', topic: 'parmana.requests', lag: 12 },
    { groupId: 'parmana-worker', topic: 'parmana.overrides', lag: 0 },
  ],
  processed: 1234,
};

describe('Heartbeat', () => {
  it('is keyed by component and instance', () => {
    expect(heartbeatKey(worker)).toBe('worker:host-42');
  });

  it('survives an Avro round trip through schemas/heartbeat.avsc as a plain object', () => {
    const type = avro.Type.forSchema(JSON.parse(readFileSync('schemas/heartbeat.avsc', 'utf8')) as avro.Schema);
    const decoded = toHeartbeat(type.fromBuffer(type.toBuffer(worker)));
    expect(decoded).toEqual(worker);
    expect(Object.getPrototypeOf(decoded?.lag[0])).toBe(Object.prototype);
  });

  it('skips values it does not know rather than guessing', () => {
    expect(toHeartbeat(null)).toBeUndefined();
    expect(toHeartbeat({ ...worker, component: 'api' })).toBeUndefined();
    expect(toHeartbeat({ ...worker, status: 'sleeping' })).toBeUndefined();
    expect(toHeartbeat({ ...worker, processed: '1' })).toBeUndefined();
    expect(toHeartbeat({ ...worker, lag: [{ groupId: 'g', topic: 't' }] })).toBeUndefined();
    expect(toHeartbeat({ ...worker, signerKeyId: undefined })).toBeUndefined();
    expect(toHeartbeat({ ...worker, status: 'stopped', signerKeyId: null })).toEqual({
      ...worker,
      status: 'stopped',
      signerKeyId: null,
    });
  });
});
