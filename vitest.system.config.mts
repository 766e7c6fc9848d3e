import path from 'node:path';

import { defineConfig } from 'vitest/config';

/**
 * System tests (`test/system/`): production server processes from the build in `.next`, on PostgreSQL
 * databases of their own, behind nginx where a test needs a load balancer. One file at a time: each
 * starts servers and may kill, restart or starve them.
 */
export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    include: ['test/system/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 240_000,
  },
});
