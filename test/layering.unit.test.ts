import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The floors of the code base, lowest first: core/ (pure), shared/ and kafka/, consumers/, producers/ and api/, ops/
// (entry points and tooling, which hand each module its settings). The lint rules say the same (eslint.config.js);
// this test also covers dynamic imports and `export … from`, and fails the test run, not only the lint.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Top-level folders a folder's modules (tests excepted) must never import. */
const FORBIDDEN_FOLDERS: Readonly<Record<string, readonly string[]>> = {
  core: ['shared', 'kafka', 'consumers', 'producers', 'api', 'ops'],
  shared: ['kafka', 'consumers', 'producers', 'api', 'ops'],
  kafka: ['shared', 'consumers', 'producers', 'api', 'ops'],
  consumers: ['producers', 'api', 'ops'],
  producers: ['consumers', 'api', 'ops'],
  api: ['consumers', 'ops'],
};

/** Packages core/ never imports: it does no I/O and reads no environment. */
const IO_PACKAGES = [
  'kafkajs',
  'node-rdkafka',
  'pg',
  'pg-copy-streams',
  'ioredis',
  'fastify',
  '@fastify/',
  'pino',
  'avsc',
  'node:fs',
  'fs',
  'node:child_process',
  'node:net',
  'node:http',
  'node:https',
  'node:worker_threads',
];

const SPECIFIERS = [
  /^\s*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/gm,
  /^\s*import\s*['"]([^'"]+)['"]/gm,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every module specifier of a source file. */
function specifiersOf(text: string): string[] {
  return SPECIFIERS.flatMap((re) => [...text.matchAll(re)].map((m) => m[1] ?? ''));
}

/** The top-level folder a relative specifier of `file` resolves to. */
function folderOf(file: string, specifier: string): string {
  return normalize(relative(ROOT, join(ROOT, dirname(file), specifier))).split('/')[0] ?? '';
}

function violations(folder: string): string[] {
  const forbidden = FORBIDDEN_FOLDERS[folder] ?? [];
  return sourceFiles(folder).flatMap((file) =>
    specifiersOf(readFileSync(join(ROOT, file), 'utf8'))
      .filter((s) => s.startsWith('.') && forbidden.includes(folderOf(file, s)))
      .map((s) => `${file} imports ${s}`),
  );
}

describe('layering', () => {
  it('finds static, type-only, re-export, side-effect and dynamic imports', () => {
    const text = [
      "import { a } from '../x/a.js';",
      "import type {\n  B,\n} from '../y/b.js';",
      "export { c } from './c.js';",
      "import './d.js';",
      "const e = await import('../e.js');",
    ].join('\n');
    expect(specifiersOf(text)).toEqual(['../x/a.js', '../y/b.js', './c.js', './d.js', '../e.js']);
  });

  for (const folder of Object.keys(FORBIDDEN_FOLDERS)) {
    it(`${folder}/ imports none of ${(FORBIDDEN_FOLDERS[folder] ?? []).join(', ')}`, () => {
      expect(sourceFiles(folder).length).toBeGreaterThan(0);
      expect(violations(folder)).toEqual([]);
    });
  }

  it('core/ imports no I/O library', () => {
    const found = sourceFiles('core').flatMap((file) =>
      specifiersOf(readFileSync(join(ROOT, file), 'utf8'))
        .filter((s) => IO_PACKAGES.some((p) => (p.endsWith('/') ? s.startsWith(p) : s === p || s.startsWith(`${p}/`))))
        .map((s) => `${file} imports ${s}`),
    );
    expect(found).toEqual([]);
  });
});
