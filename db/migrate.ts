import 'server-only';

import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';

import { databaseDriver, getDb, migrationsFolder, type Schema } from './index';

/** Applies the committed migrations (idempotent: the migrator records what it already applied). */
export async function migrateDatabase(): Promise<void> {
  const db = getDb();
  if (databaseDriver() === 'pglite') {
    await migratePglite(db as unknown as PgliteDatabase<Schema>, { migrationsFolder });
  } else {
    await migratePostgres(db as unknown as PostgresJsDatabase<Schema>, { migrationsFolder });
  }
}
