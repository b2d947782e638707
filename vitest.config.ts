import { defineConfig } from 'vitest/config';

// Tiers are chosen by file name: *.unit.test.ts (pure), *.int.test.ts (real services), *.e2e.test.ts (whole pipeline / browser).
export default defineConfig({
  test: {
    setupFiles: ['test/setupEnv.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['**/*.unit.test.ts'], exclude: ['node_modules/**', 'dist/**'] },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['**/*.int.test.ts'],
          exclude: ['node_modules/**', 'dist/**'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['**/*.e2e.test.ts'],
          exclude: ['node_modules/**', 'dist/**', 'test/cluster/**'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        // The three-broker cluster (its own JVMs): run on its own after the other tiers (npm test), with bounded waits.
        extends: true,
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.e2e.test.ts'],
          exclude: ['node_modules/**', 'dist/**'],
          testTimeout: 600_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
