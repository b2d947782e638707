import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** True when a process with this pid exists and its command line contains `marker` (guards against pid reuse). */
export function isOurProcess(pid: number, marker: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    // No /proc (not Linux): the signal check above is all we have.
    return true;
  }
}

export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Starts a long-running process detached from this one, output appended to `logFile`, pid recorded in `pidFile`. */
export function spawnDetached(
  command: string,
  args: readonly string[],
  options: { logFile: string; pidFile: string; cwd?: string; env?: NodeJS.ProcessEnv },
): number {
  const fd = openSync(options.logFile, 'a');
  try {
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      cwd: options.cwd,
      env: options.env,
    });
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    child.unref();
    writeFileSync(options.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; removes the pid file. Only ever called with pids the stack recorded. */
export async function stopRecorded(
  pidFile: string,
  marker: string,
  graceMs: number,
): Promise<'stopped' | 'not running'> {
  const pid = readPid(pidFile);
  if (pid === undefined || !isOurProcess(pid, marker)) {
    rmSync(pidFile, { force: true });
    return 'not running';
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isOurProcess(pid, marker)) break;
    await sleep(200);
  }
  if (isOurProcess(pid, marker)) process.kill(pid, 'SIGKILL');
  rmSync(pidFile, { force: true });
  return 'stopped';
}
