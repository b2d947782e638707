import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { requiredVariables } from '../ops/config/config.js';
import type { Role } from '../ops/config/variables.js';
import { findCommand } from '../ops/cli/dispatch.js';

interface ComposeService {
  command?: string[];
  environment?: Record<string, string | number>;
  build?: unknown;
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};

// Each product service and the configuration role its process loads.
const PRODUCT_SERVICES: Record<string, Role> = {
  worker: 'worker',
  sinks: 'sink',
  'log-writer': 'sink',
  'log-monitor': 'sink',
  provision: 'stack',
  api: 'api',
};

describe('docker-compose.yml', () => {
  it('has the infrastructure services', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['kafka', 'schema-registry', 'redis', 'postgres']),
    );
    expect(compose.services.redis?.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
  });

  for (const [service, role] of Object.entries(PRODUCT_SERVICES)) {
    it(`sets every variable the ${role} role requires on service ${service}`, () => {
      const def = compose.services[service];
      expect(def, `service ${service} missing`).toBeDefined();
      const env = def?.environment ?? {};
      const missing = requiredVariables(role).filter((name) => env[name] === undefined || env[name] === '');
      expect(missing).toEqual([]);
    });

    it(`runs a real parmana command on service ${service}`, () => {
      const command = compose.services[service]?.command ?? [];
      expect(command.length).toBeGreaterThan(0);
      expect(findCommand(command)?.command.path.join(' ')).toBe(command.join(' '));
    });
  }
});
