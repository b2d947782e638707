import { readFileSync, statSync } from 'node:fs';
import { ParmanaError } from '../../core/errors/ParmanaError.js';

/** Reads a PIN from a file only its owner can read; the PIN never reaches a message or a log. */
export function readPinFile(file: string): string {
  let pin: string;
  try {
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) throw new Error(`mode ${mode.toString(8)}: chmod 600`);
    pin = readFileSync(file, 'utf8').replace(/\r?\n$/u, '');
  } catch (cause) {
    throw new ParmanaError('SIG-004', {
      path: file,
      cause,
      detail: cause instanceof Error ? cause.message : String(cause),
    });
  }
  if (pin === '') throw new ParmanaError('SIG-004', { path: file, detail: 'empty' });
  return pin;
}
