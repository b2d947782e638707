import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCredentials, type Credentials } from '../../shared/credentials/Credentials.js';
import { credentialsJson, newPassword } from './credentialsFile.js';
import { credentialsFileName, PRINCIPALS, type Principal } from './principals.js';

/** The local stack's credentials directory. */
export const credentialsDir = (cwd: string): string => join(cwd, '.local', 'credentials');

/**
 * Writes a credentials file for every principal that has none (a random 32-byte password), and returns every
 * principal's credentials. Idempotent: existing files are kept, so a running stack keeps working.
 */
export function ensureCredentials(
  cwd: string,
  only: (p: Principal) => boolean = () => true,
): { credentials: ReadonlyMap<string, Credentials & Principal>; generated: string[] } {
  const dir = credentialsDir(cwd);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const generated: string[] = [];
  const credentials = new Map<string, Credentials & Principal>();
  for (const p of PRINCIPALS.filter(only)) {
    const file = join(dir, credentialsFileName(p));
    if (!existsSync(file)) {
      writeFileSync(file, credentialsJson({ username: p.username, password: newPassword() }), {
        mode: 0o600,
        flag: 'wx',
      });
      generated.push(credentialsFileName(p));
    }
    credentials.set(`${p.component}-${p.process}`, { ...p, ...readCredentials(file) });
  }
  return { credentials, generated };
}
