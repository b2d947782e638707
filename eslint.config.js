// Lint configuration: typed rules from typescript-eslint, zero warnings in CI.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** A no-restricted-imports block: `files` (tests excepted) never import from the top-level `folders`. */
function layer(files, folders) {
  return {
    files,
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: folders.map((f) => ({
            group: [`**/${f}/**`, `../${f}/*`, `../../${f}/*`],
            message: `${files.map((g) => g.split('/')[0] + '/').join(', ')} never import ${f}/.`,
          })),
        },
      ],
    },
  };
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dashboard/dist/**',
      'node_modules/**',
      '.stack/**',
      'ops/.cache/**',
      'bench-results/**',
      'test-output/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js', 'bin/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through ops/config (loadConfig); only entry points pass process.env.',
        },
      ],
    },
  },
  {
    // core/ is the pure middle: no I/O libraries, no clock, no environment.
    files: ['core/**/*.ts'],
    ignores: ['core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            'kafkajs',
            'pg',
            'ioredis',
            'fastify',
            'pino',
            'node:fs',
            'fs',
            'node:fs/promises',
            'node:child_process',
            'node:net',
            'node:http',
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'core/ never reads the clock: pass time in.',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'core/ never reads the clock: pass time in.',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'core/ is deterministic.',
        },
      ],
    },
  },
  // Layering (floors, lowest first): core/, then shared/ and kafka/, then consumers/, producers/ and api/, then ops/
  // (entry points and tooling), which hands each module its settings. Nothing imports a floor above its own, and the
  // producer SDK and the API do not depend on the consumers. test/layering.unit.test.ts checks the same.
  layer(['consumers/**/*.ts', 'kafka/**/*.ts'], ['api', 'ops']),
  layer(['producers/**/*.ts', 'shared/**/*.ts'], ['api', 'ops', 'consumers']),
  layer(['api/**/*.ts'], ['ops', 'consumers']),
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Tests and the config entry itself may read the environment.
    files: ['**/*.test.ts', 'ops/config/processEnv.ts', 'ops/cli/main.ts', 'test/**/*.ts', 'vitest.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
