import 'server-only';

import fs from 'node:fs';
import path from 'node:path';

import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';

import { dataDir, databaseUrl, postgresSettings } from './config';

import * as schema from './schema';

export type Schema = typeof schema;
/** Both drivers (PGlite and postgres.js) behind one type: domain code never knows which it runs on. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything that can run a query: the database or an open transaction. */
export type Queryable = Database | Tx;

type Handle = { db: Database; close: () => Promise<void>; driver: 'pglite' | 'postgres' };

// Kept on globalThis so that dev-server reloads reuse one connection (one PGlite instance per folder).
const globalForDb = globalThis as unknown as { stagewayDb?: Handle };

export const migrationsFolder = path.join(process.cwd(), 'db', 'migrations');

function openPostgres(url: string): Handle {
  const client = postgres(url, {
    max: postgresSettings.poolMax,
    // A database that does not answer a new connection within 5 s is down: fail (503), don't hang.
    connect_timeout: 5,
    connection: postgresSettings.connection,
    onnotice: () => {},
  });
  return {
    db: drizzlePostgres(client, { schema }) as unknown as Database,
    close: () => client.end({ timeout: 5 }),
    driver: 'postgres',
  };
}

function openPglite(dir: string): Handle {
  let releaseLock = () => {};
  if (dir !== 'memory://') {
    const folder = path.join(dir, 'pglite');
    fs.mkdirSync(folder, { recursive: true });
    releaseLock = lockFolder(dir);
  }
  const client = new PGlite(dir === 'memory://' ? undefined : path.join(dir, 'pglite'));
  return {
    db: drizzlePglite({ client, schema }) as unknown as Database,
    close: async () => {
      await client.close();
      releaseLock();
    },
    driver: 'pglite',
  };
}

/**
 * PGlite has no lock across processes, and two processes on one folder corrupt it silently. A pid file
 * refuses the second one with a message that says what to do.
 */
function lockFolder(dir: string): () => void {
  const lockFile = path.join(dir, 'pglite.pid');
  try {
    const pid = Number(fs.readFileSync(lockFile, 'utf8'));
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new Error(
        `The embedded database in ${dir} is in use by process ${pid} (a running Stageway server?). ` +
          'Stop that process first, or point DATABASE_URL at a PostgreSQL server.',
      );
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.writeFileSync(lockFile, String(process.pid));
  const release = () => {
    try {
      if (fs.readFileSync(lockFile, 'utf8') === String(process.pid)) fs.unlinkSync(lockFile);
    } catch {
      // Already gone: nothing to release.
    }
  };
  process.once('exit', release);
  return release;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function handle(): Handle {
  globalForDb.stagewayDb ??= databaseUrl ? openPostgres(databaseUrl) : openPglite(dataDir);
  return globalForDb.stagewayDb;
}

/** The one database of this process, opened on first use (never at build time). */
export function getDb(): Database {
  return handle().db;
}

export function databaseDriver(): Handle['driver'] {
  return handle().driver;
}

export async function closeDb(): Promise<void> {
  const current = globalForDb.stagewayDb;
  globalForDb.stagewayDb = undefined;
  await current?.close();
}

export { schema };
