import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { canonicalize } from '../../../core/canonical/canonicalize.js';
import { isParmanaError } from '../../../core/errors/ParmanaError.js';
import type { Diagnostic } from '../../../core/policy/Policy.js';
import { parsePolicyTests, runPolicyTests } from '../../../core/policy/runPolicyTests.js';
import { compilePolicyDir, readPolicyTests } from '../../policy/readPolicyDir.js';
import type { Command, CommandIo } from '../command.js';
import { option, positional } from '../args.js';

function printDiagnostics(io: CommandIo, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) io.stderr(`${d.code} ${d.severity} ${d.path}: ${d.message}`);
}

function fail(io: CommandIo, err: unknown): number {
  if (isParmanaError(err)) {
    io.stderr(err.message);
    return 1;
  }
  throw err;
}

const compile: Command = {
  path: ['policy', 'compile'],
  usage: 'policy compile <dir> [--out <file>]',
  summary: 'Check a policy (POL-xxx diagnostics with JSON paths) and print its compiled form',
  run(args, io) {
    try {
      const dir = resolve(io.cwd, positional(args, 0, 'policy folder'));
      const result = compilePolicyDir(dir);
      printDiagnostics(io, result.diagnostics);
      if (result.policy === undefined) return Promise.resolve(1);
      const out = option(args, '--out');
      const text = canonicalize(result.policy);
      if (out === undefined) io.stdout(text);
      else writeFileSync(resolve(io.cwd, out), `${text}\n`);
      return Promise.resolve(0);
    } catch (err) {
      return Promise.resolve(fail(io, err));
    }
  },
};

const test: Command = {
  path: ['policy', 'test'],
  usage: 'policy test <dir>',
  summary: "Run the policy's tests.json cases; exit 1 on any failure",
  run(args, io) {
    try {
      const dir = resolve(io.cwd, positional(args, 0, 'policy folder'));
      const compiled = compilePolicyDir(dir);
      printDiagnostics(io, compiled.diagnostics);
      if (compiled.policy === undefined) return Promise.resolve(1);
      const parsed = parsePolicyTests(readPolicyTests(dir));
      if ('error' in parsed) {
        io.stderr(`tests.json: ${parsed.error}`);
        return Promise.resolve(1);
      }
      const results = runPolicyTests(compiled.policy, parsed.cases);
      for (const r of results) io.stdout(`${r.passed ? 'PASS' : 'FAIL'} ${r.name}: ${r.detail}`);
      const failed = results.filter((r) => !r.passed).length;
      io.stdout(`${results.length - failed} passed, ${failed} failed`);
      return Promise.resolve(failed === 0 && results.length > 0 ? 0 : 1);
    } catch (err) {
      return Promise.resolve(fail(io, err));
    }
  },
};

/** `parmana policy compile|test`. */
export const policyCommands: readonly Command[] = [compile, test];
