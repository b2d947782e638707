import type { ChildProcess } from 'node:child_process';

const LISTENING = /api listening on (http:\/\/\S+)/;

/** The line `parmana api` prints on stdout once it listens: whoever starts it reads the address from there. */
export function listeningLine(address: string): string {
  return `api listening on ${address}`;
}

/** The address a just-started `parmana api` child prints (its stdout piped); fails if it exits or takes too long. */
export function waitForApiAddress(child: ChildProcess, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const done = (settle: () => void): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      settle();
    };
    const onData = (d: Buffer): void => {
      out += d.toString();
      const address = LISTENING.exec(out)?.[1];
      if (address !== undefined)
        done(() => {
          resolve(address);
        });
    };
    const onExit = (): void => {
      done(() => {
        reject(new Error(`the API exited before listening:\n${out}`));
      });
    };
    const timer = setTimeout(() => {
      done(() => {
        reject(new Error(`the API did not listen within ${timeoutMs} ms:\n${out}`));
      });
    }, timeoutMs);
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}
