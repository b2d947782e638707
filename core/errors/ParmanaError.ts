import { ERROR_CODES, type ErrorCode } from './registry.js';

export interface ErrorOptions {
  /** Where in the input the problem is: a JSON path like `$.rules[2].condition`, a file, a variable. */
  readonly path?: string;
  /** Human detail appended to the registry's message. */
  readonly detail?: string;
  readonly cause?: unknown;
}

/**
 * Base of every coded error. The code is stable (documented in docs/errors.md); `retriable` tells a consumer
 * whether to retry the same input later or to dead-letter / reject it now.
 */
export class ParmanaError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly path: string | undefined;
  readonly detail: string | undefined;

  constructor(code: ErrorCode, options: ErrorOptions = {}) {
    const entry = ERROR_CODES[code];
    const where = options.path === undefined ? '' : ` at ${options.path}`;
    const detail = options.detail === undefined ? '' : `: ${options.detail}`;
    super(
      `${code} ${entry.message}${where}${detail}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'ParmanaError';
    this.code = code;
    this.retriable = entry.retriable;
    this.path = options.path;
    this.detail = options.detail;
  }

  toJSON(): { code: string; message: string; path?: string } {
    return this.path === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, path: this.path };
  }
}

export function isParmanaError(value: unknown): value is ParmanaError {
  return value instanceof ParmanaError;
}
