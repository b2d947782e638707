// Lint configuration: typed rules from typescript-eslint, zero warnings in CI.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
  {
    // Layering: the pipeline's processes and the Kafka port never import from the API or the operator tooling.
    files: ['consumers/**/*.ts', 'producers/**/*.ts', 'kafka/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/api/**', '../api/*', '../../api/*'],
              message: 'consumers/, producers/ and kafka/ never import api/.',
            },
            {
              group: ['**/ops/**', '../ops/*', '../../ops/*'],
              message: 'consumers/, producers/ and kafka/ never import ops/.',
            },
          ],
        },
      ],
    },
  },
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
