import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseJsonStrict } from '../../core/canonical/parseJsonStrict.js';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import { compilePolicy, type CompileResult } from '../../core/policy/compilePolicy.js';

/** Reads and strictly parses a JSON file; a missing or malformed file is a coded error naming the file. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ParmanaError('POL-041', { path: file, cause, detail: cause instanceof Error ? cause.message : '' });
  }
  try {
    return parseJsonStrict(text);
  } catch (cause) {
    throw new ParmanaError('POL-041', { path: file, cause, detail: cause instanceof Error ? cause.message : '' });
  }
}

/** Compiles `<dir>/policy.json`, checking that the policy's id and version match `policies/<id>/<version>/`. */
export function compilePolicyDir(dir: string): CompileResult {
  return compilePolicy(readJsonFile(join(dir, 'policy.json')), {
    expectedVersion: basename(dir),
    expectedPolicyId: basename(dirname(dir)),
  });
}

export function readPolicyTests(dir: string): unknown {
  const file = join(dir, 'tests.json');
  if (!existsSync(file)) throw new ParmanaError('POL-041', { path: file, detail: 'no tests.json' });
  return readJsonFile(file);
}
