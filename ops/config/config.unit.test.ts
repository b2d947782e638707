import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, requiredVariables } from './config.js';

const WORKER_ENV = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
  REDIS_URL: 'redis://127.0.0.1:6380',
  DATABASE_URL: 'postgres://parmana@127.0.0.1:5432/parmana',
  PARMANA_SIGNING_KEY_FILE: '.local/keys/attestation-signing.pem',
};

describe('loadConfig', () => {
  it('validates, applies defaults and freezes', () => {
    const c = loadConfig(WORKER_ENV, 'worker');
    expect(c.kafkaBrokers).toEqual(['127.0.0.1:9092']);
    expect(c.partitionsRequests).toBe(12);
    expect(c.topicRequests).toBe('parmana.requests');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names every missing variable', () => {
    const err: unknown = (() => {
      try {
        loadConfig({ KAFKA_BROKERS: '127.0.0.1:9092' }, 'worker');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as ConfigError).message;
    expect(message).toContain('SCHEMA_REGISTRY_URL is required for worker');
    expect(message).toContain('REDIS_URL is required for worker');
    expect((err as ConfigError).code).toBe('CFG-001');
  });

  it('names an invalid variable and why', () => {
    expect(() => loadConfig({ ...WORKER_ENV, KAFKA_BROKERS: 'no-port' }, 'worker')).toThrow(
      /KAFKA_BROKERS "no-port" is not host:port/,
    );
    expect(() => loadConfig({ ...WORKER_ENV, PARMANA_PARTITIONS_REQUESTS: '4' }, 'worker')).toThrow(
      /PARMANA_PARTITIONS_REQUESTS/,
    );
    expect(() => loadConfig({ ...WORKER_ENV, REDIS_URL: 'http://x' }, 'worker')).toThrow(
      /REDIS_URL must use redis: or rediss:/,
    );
  });

  it('reads REDIS_CLUSTER_NODES as a frozen host:port list, empty when unset', () => {
    expect(loadConfig(WORKER_ENV, 'worker').redisClusterNodes).toEqual([]);
    const c = loadConfig({ ...WORKER_ENV, REDIS_CLUSTER_NODES: '127.0.0.1:7001, 127.0.0.1:7002' }, 'worker');
    expect(c.redisClusterNodes).toEqual(['127.0.0.1:7001', '127.0.0.1:7002']);
    expect(Object.isFrozen(c.redisClusterNodes)).toBe(true);
    expect(() => loadConfig({ ...WORKER_ENV, REDIS_CLUSTER_NODES: '127.0.0.1' }, 'worker')).toThrow(
      /REDIS_CLUSTER_NODES "127.0.0.1" is not host:port/,
    );
  });

  it('lists the variables each role requires', () => {
    expect(requiredVariables('worker')).toEqual(
      expect.arrayContaining(['KAFKA_BROKERS', 'REDIS_URL', 'SCHEMA_REGISTRY_URL']),
    );
    expect(requiredVariables('sink')).toContain('DATABASE_URL');
    expect(requiredVariables('sink')).not.toContain('REDIS_URL');
  });
});
