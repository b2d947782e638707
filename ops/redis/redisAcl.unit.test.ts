import { describe, expect, it } from 'vitest';
import { redisAclLines } from './redisAcl.js';

const users = {
  worker: { username: 'parmana-worker', password: 'worker-secret' },
  admin: { username: 'parmana-admin', password: 'admin-secret' },
};

describe('redisAclLines', () => {
  it('disables default, limits the worker to its keys and commands, and holds no password', () => {
    const [def, worker, admin] = redisAclLines(users, { cluster: false });
    expect(def).toBe('user default off resetkeys resetchannels -@all');
    expect(worker).toMatch(/^user parmana-worker on #[0-9a-f]{64} resetkeys ~parmana:replay:\* resetchannels -@all /);
    expect(worker?.split(' ').filter((w) => w.startsWith('+'))).toEqual([
      '+evalsha',
      '+eval',
      '+hget',
      '+hmget',
      '+hset',
      '+del',
      '+pexpire',
      '+persist',
      '+info',
    ]);
    expect(admin).toMatch(/^user parmana-admin on #[0-9a-f]{64} ~\* &\* \+@all$/);
    const text = redisAclLines(users, { cluster: true }).join('\n');
    expect(text).not.toContain('secret');
    expect(text).toContain('+cluster|slots +cluster|info');
    expect(redisAclLines(users, { cluster: false }).join('\n')).not.toContain('cluster');
  });
});
