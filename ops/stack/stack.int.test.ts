import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// `npm test` brings the stack up before the suites run; these check what an operator sees.
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/parmana.js', 'stack', ...args], { encoding: 'utf8', env: process.env });

describe('parmana stack (real processes)', () => {
  it('status reports every part as up', () => {
    const r = run('status');
    expect(r.status).toBe(0);
    for (const part of ['postgres', 'redis', 'kafka', 'schema-registry'])
      expect(r.stdout).toMatch(new RegExp(`^${part}\\s+up`, 'm'));
    expect(r.stdout).toContain('appendonly yes');
    expect(r.stdout).toContain('compatibility BACKWARD');
  });

  it('up is harmless when everything already runs', () => {
    const r = run('up');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/redis: already running/);
    expect(r.stdout).toMatch(/kafka: already running/);
    expect(r.stdout).toMatch(/schema-registry: already running/);
  });

  it('a missing variable stops it with a message naming the variable', () => {
    const env = { ...process.env, KAFKA_BROKERS: '' };
    const r = spawnSync(process.execPath, ['bin/parmana.js', 'stack', 'status'], { encoding: 'utf8', env });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('KAFKA_BROKERS is required for stack');
  });
});
