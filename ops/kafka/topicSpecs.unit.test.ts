import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { topicSpecs } from './topicSpecs.js';

const base = { KAFKA_BROKERS: '127.0.0.1:9092', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7' };

describe('topicSpecs', () => {
  it('lists every topic once, with default partition counts (requests >= 12)', () => {
    const specs = topicSpecs(loadConfig(base, 'cli'));
    const byName = new Map(specs.map((s) => [s.name, s]));
    expect(byName.size).toBe(specs.length);
    expect([...byName.keys()].sort()).toEqual(
      [
        'parmana.requests',
        'parmana.attestations',
        'parmana.rejections',
        'parmana.overrides',
        'parmana.security-events',
        'parmana.verifications',
        'parmana.api-calls',
        'parmana.dead-letter',
        'parmana.heartbeats',
        'parmana.log-checkpoints',
      ].sort(),
    );
    expect(byName.get('parmana.requests')?.partitions).toBeGreaterThanOrEqual(12);
    // Override commands must land on the partition (and so the worker) that owns the execution.
    expect(byName.get('parmana.overrides')?.partitions).toBe(byName.get('parmana.requests')?.partitions);
  });

  it('keeps heartbeats on one compacted partition whose segments roll often enough to be cleaned', () => {
    const spec = topicSpecs(loadConfig({ ...base, PARMANA_TOPIC_HEARTBEATS: 'x.hb' }, 'cli')).find(
      (s) => s.name === 'x.hb',
    );
    expect(spec?.partitions).toBe(1);
    expect(spec?.schemaFile).toBe('heartbeat.avsc');
    const config = new Map(spec?.configEntries?.map((e) => [e.name, e.value]));
    expect(config.get('cleanup.policy')).toBe('compact');
    expect(Number(config.get('segment.ms'))).toBeLessThanOrEqual(3_600_000);
    expect(Number(config.get('min.cleanable.dirty.ratio'))).toBeLessThan(0.5);
  });

  it('follows the configured names and partition counts', () => {
    const specs = topicSpecs(
      loadConfig(
        {
          ...base,
          PARMANA_TOPIC_REQUESTS: 'x.req',
          PARMANA_TOPIC_DEAD_LETTER: 'x.dlq',
          PARMANA_PARTITIONS_REQUESTS: '24',
          PARMANA_PARTITIONS_OUTCOMES: '6',
          PARMANA_PARTITIONS_AUDIT: '2',
        },
        'cli',
      ),
    );
    const get = (name: string) => specs.find((s) => s.name === name);
    expect(get('x.req')?.partitions).toBe(24);
    expect(get('parmana.attestations')?.partitions).toBe(6);
    expect(get('parmana.rejections')?.partitions).toBe(6);
    expect(get('parmana.security-events')?.partitions).toBe(2);
    expect(get('x.dlq')?.partitions).toBe(2);
  });

  it('gives every Avro topic an existing schema file, the dead-letter topic raw bytes with 30-day retention, checkpoints text kept forever', () => {
    for (const spec of topicSpecs(loadConfig(base, 'cli'))) {
      if (spec.name === 'parmana.log-checkpoints') {
        expect(spec.schemaFile).toBeUndefined();
        expect(spec.partitions).toBe(1);
        expect(spec.configEntries).toContainEqual({ name: 'retention.ms', value: '-1' });
      } else if (spec.name === 'parmana.dead-letter') {
        expect(spec.schemaFile).toBeUndefined();
        expect(spec.configEntries).toContainEqual({ name: 'retention.ms', value: String(30 * 24 * 3600 * 1000) });
      } else {
        expect(spec.schemaFile, spec.name).toMatch(/\.avsc$/);
        expect(existsSync(`schemas/${spec.schemaFile ?? ''}`), spec.name).toBe(true);
      }
    }
  });
});
