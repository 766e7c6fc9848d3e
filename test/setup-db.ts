import { randomBytes } from 'node:crypto';

import postgres from 'postgres';
import { afterAll, beforeAll, inject } from 'vitest';

import { withDatabase } from './global-setup';

/**
 * Gives each test file a database of its own, with the schema and the demo data: an in-memory PGlite,
 * or a PostgreSQL database cloned from the run's template. Environment variables are set before any
 * application module is imported, so `lib/env` reads them.
 */
const mode = inject('testDatabase');
let databaseName: string | undefined;

process.env.AUTH_SECRET = 'test-secret';
if (mode === 'postgres') {
  databaseName = `${inject('postgresTemplate').replace(/_template$/, '')}_${randomBytes(4).toString('hex')}`;
  process.env.DATABASE_URL = withDatabase(inject('postgresServerUrl'), databaseName);
} else {
  delete process.env.DATABASE_URL;
  process.env.STAGEWAY_DATA_DIR = 'memory://';
}

beforeAll(async () => {
  if (mode === 'postgres') {
    const admin = postgres(inject('postgresServerUrl'), { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${databaseName}" template "${inject('postgresTemplate')}"`);
    await admin.end();
  } else {
    const [{ migrateDatabase }, { seedDemoData }, { getDb }] = await Promise.all([
      import('@/db/migrate'),
      import('@/lib/demo/seed'),
      import('@/db'),
    ]);
    await migrateDatabase();
    await seedDemoData(getDb());
  }
});

afterAll(async () => {
  const [{ closeDb }, { stopQueue }] = await Promise.all([import('@/db'), import('@/lib/jobs/queue')]);
  await stopQueue();
  await closeDb();
  if (mode === 'postgres') {
    const admin = postgres(inject('postgresServerUrl'), { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists "${databaseName}" with (force)`);
    await admin.end();
  }
});
