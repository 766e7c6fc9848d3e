import type { SQL } from 'drizzle-orm';

import type { Queryable } from './index';

/**
 * Rows of a raw statement from either driver: postgres.js hands back an array, PGlite `{ rows }`.
 * Cast what you select to types both drivers parse alike (int, text, boolean), never int8.
 */
export async function executeRows<T extends Record<string, unknown>>(
  db: Queryable,
  query: SQL,
): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}
