import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorsMarkdown } from '../../ops/docs/errorsMarkdown.js';
import { ParmanaError } from './ParmanaError.js';
import { CODE_TABLES, ERROR_CODES, type ErrorCode } from './registry.js';

describe('error code registry', () => {
  it('defines every code once, in the table of its own area, with a message', () => {
    const seen = new Map<string, string>();
    for (const [area, table] of Object.entries(CODE_TABLES)) {
      for (const [code, entry] of Object.entries(table)) {
        expect(code, `${code} is filed under ${area}`).toMatch(new RegExp(`^${area}-\\d{3}$`));
        expect(seen.get(code), `${code} defined in ${seen.get(code) ?? ''} and ${area}`).toBeUndefined();
        seen.set(code, area);
        expect(entry.message.trim().length).toBeGreaterThan(5);
      }
    }
    expect(seen.size).toBe(Object.keys(ERROR_CODES).length);
  });

  it('is documented in docs/errors.md exactly as generated (npm run docs:errors)', () => {
    const doc = readFileSync('docs/errors.md', 'utf8');
    expect(doc).toBe(errorsMarkdown());
    for (const code of Object.keys(ERROR_CODES)) expect(doc).toContain(`\`${code}\``);
  });

  it('builds errors that carry code, retriable flag, path and cause', () => {
    const cause = new Error('root');
    const code: ErrorCode = 'CAN-003';
    const err = new ParmanaError(code, { path: '$.signals.a', detail: 'twice', cause });
    expect(err.code).toBe('CAN-003');
    expect(err.retriable).toBe(false);
    expect(err.message).toBe('CAN-003 Duplicate key in JSON object at $.signals.a: twice');
    expect(err.cause).toBe(cause);
    expect(err.toJSON()).toEqual({ code: 'CAN-003', message: err.message, path: '$.signals.a' });
  });
});
