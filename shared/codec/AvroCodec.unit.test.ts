import avro from 'avsc';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isParmanaError } from '../../core/errors/ParmanaError.js';
import { AvroCodec } from './AvroCodec.js';
import { RegistryError } from './SchemaRegistryClient.js';

const URL_BASE = 'http://registry.test/apis/ccompat/v7';
const schema = JSON.stringify({
  type: 'record',
  name: 'Probe',
  namespace: 'test.parmana',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'n', type: 'int' },
  ],
});

/** An in-memory stand-in for the registry's two read calls, counting requests. */
function fakeRegistry(): { calls: string[] } {
  const calls: string[] = [];
  vi.stubGlobal('fetch', (input: string) => {
    const path = input.slice(URL_BASE.length);
    calls.push(path);
    const json = (status: number, body: unknown): Response =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (path === '/subjects/probe-value/versions/latest') return Promise.resolve(json(200, { id: 7, schema }));
    if (path === '/schemas/ids/7') return Promise.resolve(json(200, { schema }));
    return Promise.resolve(json(404, { error_code: 40403, message: 'not found' }));
  });
  return { calls };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('AvroCodec', () => {
  it('encodes in the Confluent wire format and round-trips, asking the registry once per subject and id', async () => {
    const { calls } = fakeRegistry();
    const codec = new AvroCodec(URL_BASE);
    const values = Array.from({ length: 50 }, (_, i) => ({ id: `e-${i}`, n: i }));
    const encoded = await Promise.all(values.map((v) => codec.encode('probe', v)));
    expect(encoded[0]?.subarray(0, 5)).toEqual(Buffer.from([0, 0, 0, 0, 7]));
    const decoded = await Promise.all(encoded.map((b) => codec.decode(b)));
    expect(decoded).toEqual(values.map((v) => expect.objectContaining(v) as unknown));
    expect(calls).toEqual(['/subjects/probe-value/versions/latest', '/schemas/ids/7']);
  });

  it('classifies undecodable bytes as REQ-001, not retriable, without asking the registry', async () => {
    const { calls } = fakeRegistry();
    const codec = new AvroCodec(URL_BASE);
    for (const bad of [null, Buffer.alloc(0), Buffer.from('{"id":"json"}'), Buffer.from([1, 0, 0, 0, 7, 2])]) {
      const err: unknown = await codec.decode(bad).catch((e: unknown) => e);
      expect(isParmanaError(err) && err.code === 'REQ-001' && !err.retriable).toBe(true);
    }
    expect(calls).toEqual([]);
    // Framed, known schema, but a truncated body; and a schema id the registry does not know.
    const good = await codec.encode('probe', { id: 'abc', n: 1 });
    await expect(codec.decode(good.subarray(0, good.length - 2))).rejects.toMatchObject({ code: 'REQ-001' });
    await expect(codec.decode(Buffer.from([0, 0, 0, 0, 99, 2]))).rejects.toMatchObject({ code: 'REQ-001' });
  });

  it('surfaces an unreachable registry as a retriable RegistryError, and retries the lookup next time', async () => {
    let up = false;
    vi.stubGlobal('fetch', () =>
      up
        ? Promise.resolve(new Response(JSON.stringify({ schema }), { status: 200 }))
        : Promise.reject(new TypeError('fetch failed')),
    );
    const codec = new AvroCodec(URL_BASE, { attempts: 1, deadlineMs: 0, baseMs: 1, maxMs: 1 });
    const framed = Buffer.concat([
      Buffer.from([0, 0, 0, 0, 7]),
      avro.Type.forSchema(JSON.parse(schema) as avro.Schema).toBuffer({ id: 'x', n: 3 }),
    ]);
    const err: unknown = await codec.decode(framed).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect(isParmanaError(err)).toBe(false);
    expect((err as RegistryError).retriable).toBe(true);
    expect((err as RegistryError).code).toBe('REG-001');
    up = true; // a failed lookup is not cached
    expect(await codec.decode(framed)).toMatchObject({ id: 'x', n: 3 });
  });

  it('retries a registry that answers 503 or resets within its policy, and refuses a 4xx at once', async () => {
    const answers: (number | 'reset')[] = [503, 'reset', 200];
    let calls = 0;
    vi.stubGlobal('fetch', () => {
      const next = answers[Math.min(calls++, answers.length - 1)];
      if (next === 'reset') return Promise.reject(new TypeError('fetch failed: ECONNRESET'));
      return Promise.resolve(new Response(next === 200 ? JSON.stringify({ schema }) : 'busy', { status: next ?? 200 }));
    });
    const fast = { attempts: 5, deadlineMs: 5_000, baseMs: 1, maxMs: 5 };
    const framed = Buffer.concat([
      Buffer.from([0, 0, 0, 0, 8]),
      avro.Type.forSchema(JSON.parse(schema) as avro.Schema).toBuffer({ id: 'y', n: 4 }),
    ]);
    expect(await new AvroCodec(URL_BASE, fast).decode(framed)).toMatchObject({ id: 'y', n: 4 });
    expect(calls).toBe(3);
    calls = 0;
    vi.stubGlobal('fetch', () => {
      calls++;
      return Promise.resolve(new Response('forbidden', { status: 403 }));
    });
    const refused: unknown = await new AvroCodec(URL_BASE, fast).decode(framed).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'REG-002', retriable: false, status: 403 });
    expect(calls).toBe(1);
  });
});
