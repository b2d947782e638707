import { createConnection } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Raised when a stack part does not become ready in time; says which part and where its log is. */
export class StackError extends Error {
  constructor(
    readonly part: string,
    message: string,
    readonly logFile?: string,
  ) {
    super(`${part}: ${message}${logFile === undefined ? '' : ` (log: ${logFile})`}`);
    this.name = 'StackError';
  }
}

/** Polls `probe` until it returns true; fails with a StackError after `timeoutMs`, or early if `alive` turns false. */
export async function waitFor(
  part: string,
  probe: () => Promise<boolean>,
  options: { timeoutMs: number; logFile?: string; alive?: () => boolean; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (options.alive !== undefined && !options.alive()) {
      throw new StackError(part, 'process exited before it became ready', options.logFile);
    }
    if (Date.now() > deadline) {
      throw new StackError(part, `not ready after ${Math.round(options.timeoutMs / 1000)} s`, options.logFile);
    }
    await sleep(options.intervalMs ?? 500);
  }
}

/** True when something accepts TCP connections on host:port. */
export function tcpOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => {
      done(false);
    });
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
  });
}

export function hostPort(address: string, defaultPort: number): { host: string; port: number } {
  const url = new URL(address.includes('://') ? address : `tcp://${address}`);
  return { host: url.hostname, port: url.port === '' ? defaultPort : Number(url.port) };
}
