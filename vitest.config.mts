import path from 'node:path';

import { defineConfig } from 'vitest/config';

/**
 * Integration tests run against a real database: TEST_DATABASE=pglite (default; an in-memory PGlite
 * per test file) or TEST_DATABASE=postgres (a database per test file, cloned from a migrated and
 * seeded template; TEST_POSTGRES_URL names the server).
 */
export default defineConfig({
  resolve: {
    alias: {
      '@': path.resolve(import.meta.dirname),
      // Tests run on the server's side: `server-only` is the no-op it is for React Server Components.
      'server-only': path.resolve(import.meta.dirname, 'node_modules/server-only/empty.js'),
    },
  },
  test: {
    include: ['lib/**/*.test.ts', 'db/**/*.test.ts', 'test/**/*.test.ts'],
    // Production servers, nginx, faults: after the build, with vitest.system.config.mts.
    exclude: ['test/system/**', 'node_modules/**'],
    environment: 'node',
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-db.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
