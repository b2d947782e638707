import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

const PID_FILES = {
  kafka: 'kafka/kafka.pid',
  'schema-registry': 'schema-registry/registry.pid',
  redis: 'redis/redis.pid',
} as const;

/** Pids of the local stack's own processes (Postgres is the machine's server and is not included). */
export function stackPids(root: string, stackDir: string): Record<string, number> {
  const dir = isAbsolute(stackDir) ? stackDir : join(root, stackDir);
  const out: Record<string, number> = {};
  for (const [name, file] of Object.entries(PID_FILES)) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (Number.isSafeInteger(pid) && pid > 0 && existsSync(`/proc/${pid}`)) out[name] = pid;
  }
  return out;
}
