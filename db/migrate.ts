import 'server-only';

import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

import { databaseUrl } from './config';
import { getDb, migrationsFolder, type Schema } from './index';

/**
 * Applies the committed migrations (idempotent: the migrator records what it already applied). On
 * PostgreSQL, on a connection of its own that holds an advisory lock while it works, so instances
 * starting together migrate one after the other (the later ones find nothing to do), and without the
 * request timeouts of the app's pool (an index on a large table may take minutes).
 */
export async function migrateDatabase(): Promise<void> {
  if (!databaseUrl) {
    await migratePglite(getDb() as unknown as PgliteDatabase<Schema>, { migrationsFolder });
    return;
  }
  const client = postgres(databaseUrl, {
    max: 1,
    onnotice: () => {},
    connection: { application_name: 'stageway-migrate' },
  });
  try {
    await client`select pg_advisory_lock(hashtext('stageway.migrate'))`;
    await migratePostgres(drizzlePostgres(client), { migrationsFolder });
  } finally {
    await client.end({ timeout: 5 });
  }
}
