import { readdirSync, readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';

interface Field {
  name: string;
  type?: unknown;
  default?: unknown;
}

const files = readdirSync('schemas').filter((f) => f.endsWith('.avsc'));
const load = (file: string): { json: { name: string; namespace: string; fields: Field[] }; type: avro.Type } => {
  const json = JSON.parse(readFileSync(`schemas/${file}`, 'utf8')) as {
    name: string;
    namespace: string;
    fields: Field[];
  };
  return { json, type: avro.Type.forSchema(json as avro.Schema) };
};
const fieldNames = (file: string): string[] => load(file).json.fields.map((f) => f.name);

describe('schemas/*.avsc', () => {
  it('has one schema per topic family, each parsing with avsc in the product namespace', () => {
    expect(files.sort()).toEqual([
      'api-call.avsc',
      'attestation.avsc',
      'execution-request.avsc',
      'heartbeat.avsc',
      'override-message.avsc',
      'rejection.avsc',
      'security-event.avsc',
      'verification.avsc',
    ]);
    for (const file of files) {
      const { json, type } = load(file);
      expect(json.namespace, file).toBe('systems.parmana.stream');
      expect(type.typeName, file).toBe('record');
      // A random value survives an encode/decode round trip unchanged.
      const bytes = type.toBuffer(type.random());
      expect(type.toBuffer(type.fromBuffer(bytes)).equals(bytes), file).toBe(true);
    }
  });

  it('carries exactly the execution request envelope, signals as JSON text', () => {
    expect(fieldNames('execution-request.avsc')).toEqual([
      'executionId',
      'policyId',
      'policyVersion',
      'signals',
      'requestedAt',
      'requestedBy',
      'traceparent',
    ]);
    const { type } = load('execution-request.avsc');
    // signals is text, never a nested record: the worker parses it strictly (duplicate keys refused).
    expect(
      type.isValid({ executionId: 'e', policyId: 'p', policyVersion: '1.0.0', signals: { a: 1 }, requestedAt: 't' }),
    ).toBe(false);
    expect(
      type.isValid({
        executionId: 'e',
        policyId: 'p',
        policyVersion: '1.0.0',
        signals: '{"a":1}',
        requestedAt: '2026-01-01T00:00:00Z',
        requestedBy: null,
        traceparent: null,
      }),
    ).toBe(true);
  });

  it('keeps signed bytes verbatim on attestations and rejections', () => {
    for (const file of ['attestation.avsc', 'rejection.avsc']) {
      const names = fieldNames(file);
      for (const f of ['executionId', 'payloadType', 'payload', 'signature', 'signerKeyId'])
        expect(names, file).toContain(f);
      const payload = load(file).json.fields.find((f) => f.name === 'payload') as { type: unknown } | undefined;
      expect(payload?.type, file).toBe('bytes');
    }
  });

  it('lets the overrides topic carry a command or a result, each optional with a null default', () => {
    const { type } = load('override-message.avsc');
    const command = {
      commandId: 'c1',
      executionId: 'e1',
      approved: true,
      approvedBy: 'alice',
      approverRole: 'risk',
      reason: 'ok',
      requestedAt: '2026-01-01T00:00:00Z',
    };
    const decoded = type.fromBuffer(type.toBuffer({ command, result: null })) as { command: unknown; result: unknown };
    expect(decoded.command).toMatchObject(command);
    expect(decoded.result).toBeNull();
  });

  it('carries a heartbeat with its lag entries and optional worker-only facts', () => {
    expect(fieldNames('heartbeat.avsc')).toEqual([
      'component',
      'instanceId',
      'at',
      'intervalMs',
      'status',
      'signerKeyId',
      'trustRootVersion',
      'runtimeVersion',
      'lag',
      'processed',
    ]);
    const { json, type } = load('heartbeat.avsc');
    expect(json.name).toBe('Heartbeat');
    const sinks = {
      component: 'sinks',
      instanceId: 'h-1',
      at: '2026-01-01T00:00:00.000Z',
      intervalMs: 5000,
      status: 'running',
      signerKeyId: null,
      trustRootVersion: 3,
      runtimeVersion: null,
      lag: [{ groupId: 'g', topic: 't', lag: 2 ** 40 }],
      processed: 0,
    };
    expect(type.fromBuffer(type.toBuffer(sinks))).toMatchObject(sinks);
  });

  it('reads older records with a newer reader only where fields added later have defaults (BACKWARD shape)', () => {
    // Every optional union field must default to null so a reader can resolve records written before it existed.
    for (const file of files) {
      for (const f of load(file).json.fields) {
        if (Array.isArray(f.type) && f.type[0] === 'null') expect(f.default, `${file} ${f.name}`).toBeNull();
      }
    }
    const v1 = load('api-call.avsc').type;
    const v2Json = JSON.parse(readFileSync('schemas/api-call.avsc', 'utf8')) as { fields: unknown[] };
    v2Json.fields.push({ name: 'userAgent', type: ['null', 'string'], default: null });
    const v2 = avro.Type.forSchema(v2Json as avro.Schema);
    const written = v1.toBuffer({
      requestId: 'r',
      method: 'GET',
      route: '/x',
      status: 200,
      keyName: null,
      latencyMs: 1.5,
      at: '2026-01-01T00:00:00Z',
    });
    const read = v2.fromBuffer(written, v2.createResolver(v1)) as { userAgent: unknown; route: string };
    expect(read.route).toBe('/x');
    expect(read.userAgent).toBeNull();
  });
});
