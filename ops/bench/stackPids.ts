import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { readPid } from '../stack/processes.js';
import { STACK_PARTS } from '../stack/stackParts.js';

/** Pids of the local stack's own running processes (Postgres is the machine's server and is not included). */
export function stackPids(root: string, stackDir: string): Record<string, number> {
  const dir = isAbsolute(stackDir) ? stackDir : join(root, stackDir);
  const out: Record<string, number> = {};
  for (const part of STACK_PARTS) {
    const file = part.pidFile?.(dir);
    const pid = file === undefined ? undefined : readPid(file);
    if (pid !== undefined && existsSync(`/proc/${pid}`)) out[part.name] = pid;
  }
  return out;
}
