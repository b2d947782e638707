import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseRoleName, databaseUrlAs, withCredentials } from './databaseConnection.js';

const dir = mkdtempSync(join(tmpdir(), 'db-credentials-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, body: unknown, mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(body), { mode });
  chmodSync(path, mode);
  return path;
}

const none = {
  databaseCredentialsAdmin: '',
  databaseCredentialsOwner: '',
  databaseCredentialsWorker: '',
  databaseCredentialsSinks: '',
  databaseCredentialsLogWriter: '',
  databaseCredentialsLogMonitor: '',
  databaseCredentialsApi: '',
  databaseCredentialsRegistry: '',
};

describe('databaseUrlAs', () => {
  it("logs in as the process's own role, replacing any user in DATABASE_URL", () => {
    const sinks = file('sinks.json', { username: 'parmana-sinks', password: 'p@ss/w:rd' });
    const url = databaseUrlAs(
      { ...none, databaseUrl: 'postgres://someone:else@127.0.0.1:5433/parmana', databaseCredentialsSinks: sinks },
      'sinks',
    );
    const u = new URL(url);
    expect(decodeURIComponent(u.username)).toBe('parmana-sinks');
    expect(decodeURIComponent(u.password)).toBe('p@ss/w:rd');
    expect(`${u.host}${u.pathname}`).toBe('127.0.0.1:5433/parmana');
  });

  it('without a credentials file: DATABASE_URL as it is', () => {
    const databaseUrl = 'postgres://parmana:parmana@postgres:5432/parmana';
    expect(databaseUrlAs({ ...none, databaseUrl }, 'api')).toBe(databaseUrl);
    expect(databaseRoleName(none, 'owner')).toBeUndefined();
  });

  it('refuses a credentials file others can read (CRD-003) and names a relative file from the working directory', () => {
    const open = file('open.json', { username: 'parmana-api', password: 'x' }, 0o644);
    expect(() =>
      databaseUrlAs({ ...none, databaseUrl: 'postgres://127.0.0.1/p', databaseCredentialsApi: open }, 'api'),
    ).toThrow(/CRD-003/);
    file('owner.json', { username: 'parmana-owner', password: 'y' });
    expect(databaseRoleName({ ...none, databaseCredentialsOwner: 'owner.json' }, 'owner', dir)).toBe('parmana-owner');
  });

  it('withCredentials encodes what a URL cannot carry as is', () => {
    expect(withCredentials('postgres://h:1/d', { username: 'a b', password: '#?' })).toBe(
      'postgres://a%20b:%23%3F@h:1/d',
    );
  });
});
