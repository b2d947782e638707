import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RegistryError, SchemaRegistryClient } from '../../shared/codec/SchemaRegistryClient.js';
import { AvroCodec } from '../../shared/codec/AvroCodec.js';

const url = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const registry = new SchemaRegistryClient(url);

const v1 = { type: 'record', name: 'Probe', namespace: 'test.parmana', fields: [{ name: 'id', type: 'string' }] };

describe('schema evolution on the real registry (BACKWARD)', () => {
  it('accepts a new optional field and refuses an incompatible change', async () => {
    const topic = `test.evolution.${randomUUID()}`;
    const subject = `${topic}-value`;
    const id1 = await registry.register(subject, JSON.stringify(v1));
    await registry.setCompatibility(subject, 'BACKWARD');
    const v2 = { ...v1, fields: [...v1.fields, { name: 'note', type: ['null', 'string'], default: null }] };
    const id2 = await registry.register(subject, JSON.stringify(v2));
    expect(id2).not.toBe(id1);
    const v3 = { ...v1, fields: [...v1.fields, { name: 'required', type: 'int' }] };
    const refused: unknown = await registry.register(subject, JSON.stringify(v3)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RegistryError);
    expect((refused as RegistryError).status).toBe(409);
    const v4 = { ...v1, fields: [{ name: 'id', type: 'int' }] };
    await expect(registry.register(subject, JSON.stringify(v4))).rejects.toBeInstanceOf(RegistryError);
    expect((await registry.latest(subject)).id).toBe(id2);
  });

  it('AvroCodec round-trips through the registry and refuses garbage with REQ-001', async () => {
    const topic = `test.codec.${randomUUID()}`;
    await registry.register(`${topic}-value`, JSON.stringify(v1));
    const codec = new AvroCodec(url);
    const bytes = await codec.encode(topic, { id: 'x-1' });
    expect(bytes.readUInt8(0)).toBe(0);
    expect(await codec.decode(bytes)).toMatchObject({ id: 'x-1' });
    await expect(codec.decode(Buffer.from('not avro at all'))).rejects.toMatchObject({ code: 'REQ-001' });
    await expect(codec.decode(Buffer.from([0, 0x7f, 0xff, 0xff, 0xff, 1]))).rejects.toMatchObject({ code: 'REQ-001' });
  });
});
