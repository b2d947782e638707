import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs to stdout; the process name is bound once so every line says who wrote it. */
export function createLogger(name: string, level: string): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}
