import { spawnSync } from 'node:child_process';
import { StackError } from './waitFor.js';

export function commandExists(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Makes sure `command` is installed: as root it installs `aptPackage` with apt-get; otherwise it stops with the exact
 * command the operator has to run.
 */
export function ensureCommand(part: string, command: string, aptPackage: string, print: (line: string) => void): void {
  if (commandExists(command)) return;
  const install = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${aptPackage}`;
  if (process.getuid?.() !== 0) {
    throw new StackError(part, `${command} is not installed. Run as root: ${install}`);
  }
  print(`${part}: ${command} missing, installing ${aptPackage} with apt-get`);
  const result = spawnSync('sh', ['-c', install], { stdio: 'inherit' });
  if (result.status !== 0 || !commandExists(command)) {
    throw new StackError(part, `apt-get could not install ${aptPackage} (exit ${String(result.status)})`);
  }
}
