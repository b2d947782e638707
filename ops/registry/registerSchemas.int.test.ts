import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SchemaRegistryClient } from '../../shared/codec/SchemaRegistryClient.js';
import type { TopicSpec } from '../kafka/topicSpecs.js';
import { registerSchemas } from './registerSchemas.js';

const url = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';

describe('registerSchemas (real registry)', () => {
  it('registers each schema under <topic>-value with BACKWARD compatibility, idempotently', async () => {
    const id = randomUUID();
    const specs: TopicSpec[] = [
      { name: `test.reg.requests.${id}`, partitions: 12, schemaFile: 'execution-request.avsc' },
      { name: `test.reg.attestations.${id}`, partitions: 12, schemaFile: 'attestation.avsc' },
      { name: `test.reg.dlq.${id}`, partitions: 3 },
    ];
    const first = await registerSchemas(url, 'schemas', specs);
    const second = await registerSchemas(url, 'schemas', specs);
    expect(first).toHaveLength(2); // the raw dead-letter topic has no schema
    expect(second).toEqual(first);

    const registry = new SchemaRegistryClient(url);
    const latest = await registry.latest(`test.reg.requests.${id}-value`);
    expect(first[0]).toBe(`test.reg.requests.${id}-value -> schema id ${latest.id}`);
    expect(JSON.parse(latest.schema)).toEqual(JSON.parse(readFileSync('schemas/execution-request.avsc', 'utf8')));

    const res = await fetch(`${url}/config/${encodeURIComponent(`test.reg.requests.${id}-value`)}`);
    const config = (await res.json()) as { compatibilityLevel?: string; compatibility?: string };
    expect(config.compatibilityLevel ?? config.compatibility).toBe('BACKWARD');
  });
});
