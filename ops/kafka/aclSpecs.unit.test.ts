import { describe, expect, it } from 'vitest';
import { aclSpecs, type AclOperation, type KafkaPrincipalNames } from './aclSpecs.js';

const topics = {
  topicRequests: 't.requests',
  topicAttestations: 't.attestations',
  topicRejections: 't.rejections',
  topicOverrides: 't.overrides',
  topicSecurityEvents: 't.security-events',
  topicVerifications: 't.verifications',
  topicApiCalls: 't.api-calls',
  topicDeadLetter: 't.dead-letter',
  topicHeartbeats: 't.heartbeats',
  topicLogCheckpoints: 't.log-checkpoints',
};
const who: KafkaPrincipalNames = {
  worker: 'w',
  api: 'a',
  sinks: 's',
  logWriter: 'lw',
  logMonitor: 'lm',
  producer: 'p',
  subscriber: 'sub',
};
const specs = aclSpecs({ ...topics, clientId: 'cid' }, who);

function topicsOf(principal: string, operation: AclOperation): string[] {
  return specs
    .filter((s) => s.principal === principal && s.resource === 'topic' && s.operation === operation)
    .map((s) => s.name.replace(/^t\./, ''))
    .sort();
}

describe('aclSpecs', () => {
  // Each row is what the process's entry point produces to (ops/cli/commands, ops/api/startApi.ts): a topic missing
  // here is a KAF-006 at run time, one too many is a privilege the process does not need.
  it.each([
    ['w', ['attestations', 'dead-letter', 'heartbeats', 'overrides', 'rejections', 'security-events']],
    ['a', ['api-calls', 'overrides', 'requests', 'security-events', 'verifications']],
    ['s', ['dead-letter', 'heartbeats']],
    ['lw', ['dead-letter', 'log-checkpoints', 'security-events']],
    ['lm', []],
    ['p', ['requests']],
    ['sub', []],
  ])('principal %s writes exactly %j', (principal, expected) => {
    expect(topicsOf(principal, 'write')).toEqual(expected);
  });

  it.each([
    ['w', ['overrides', 'requests']],
    ['a', ['attestations', 'heartbeats', 'overrides', 'rejections']],
    ['s', ['api-calls', 'requests', 'security-events', 'verifications']],
    ['lw', ['attestations', 'overrides', 'rejections']],
    ['lm', ['log-checkpoints']],
    ['p', []],
    ['sub', ['attestations']],
  ])('principal %s reads exactly %j', (principal, expected) => {
    expect(topicsOf(principal, 'read')).toEqual(expected);
  });

  it('only the worker writes attestations and holds a transactional id', () => {
    expect(specs.filter((s) => s.name === 't.attestations' && s.operation === 'write').map((s) => s.principal)).toEqual(
      ['w'],
    );
    expect(specs.filter((s) => s.resource === 'transactional-id')).toEqual([
      { principal: 'w', resource: 'transactional-id', name: 'cid-worker', pattern: 'prefixed', operation: 'write' },
    ]);
  });

  it('groups are prefixed by the client id and the process, one per consuming principal', () => {
    const groups = specs.filter((s) => s.resource === 'group').map((s) => [s.principal, s.name, s.pattern]);
    expect(groups).toEqual([
      ['w', 'cid-worker', 'prefixed'],
      ['a', 'cid-api', 'prefixed'],
      ['s', 'cid-sinks', 'prefixed'],
      ['lw', 'cid-log-writer', 'prefixed'],
      ['lm', 'cid-log-monitor', 'prefixed'],
      ['sub', 'cid-subscriber', 'prefixed'],
    ]);
  });
});
