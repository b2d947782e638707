import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DLQ_HEADERS } from '../../consumers/deadLetter/deadLetterMessage.js';
import { loadConfig } from '../config/config.js';
import { topicSpecs } from './topicSpecs.js';

const doc = parse(readFileSync('docs/asyncapi.yaml', 'utf8')) as {
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  components: {
    messages: Record<
      string,
      {
        payload?: { schema?: { $ref: string } };
        bindings?: { kafka?: { key?: { type: string } } };
        headers?: { required?: string[] };
      }
    >;
  };
  operations: Record<string, { channel: { $ref: string } }>;
};

describe('docs/asyncapi.yaml', () => {
  const config = loadConfig({ KAFKA_BROKERS: '127.0.0.1:9092', SCHEMA_REGISTRY_URL: 'http://localhost/x' }, 'cli');

  it('documents every topic the product creates, with its schema file', () => {
    const addresses = Object.values(doc.channels).map((c) => c.address);
    for (const spec of topicSpecs(config)) {
      expect(addresses).toContain(spec.name);
      if (spec.schemaFile === undefined) continue;
      const channel = Object.values(doc.channels).find((c) => c.address === spec.name);
      const messageName =
        Object.values(channel?.messages ?? {})[0]
          ?.$ref.split('/')
          .at(-1) ?? '';
      expect(doc.components.messages[messageName]?.payload?.schema?.$ref).toBe(`../schemas/${spec.schemaFile}`);
      expect(existsSync(`schemas/${spec.schemaFile}`)).toBe(true);
    }
  });

  it('names a producer and a consumer for every channel', () => {
    for (const name of Object.keys(doc.channels)) {
      const ops = Object.values(doc.operations).filter((o) => o.channel.$ref === `#/channels/${name}`);
      expect(ops.length, name).toBeGreaterThan(0);
    }
  });

  it('documents the record key of every message and the dead-letter headers the builder writes', () => {
    for (const [name, message] of Object.entries(doc.components.messages)) {
      expect(message.bindings?.kafka?.key?.type, name).toBe('string');
    }
    expect(doc.components.messages.deadLetter?.headers?.required?.sort()).toEqual(Object.values(DLQ_HEADERS).sort());
  });
});
