import { databaseDriver, type Queryable } from './index';

/** Runs raw SQL text with positional parameters: what pg-boss asks of a database it does not own. */
export type SqlExecutor = { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> };

type PgliteLike = {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  exec(text: string): Promise<{ rows: unknown[] }[]>;
};
type PostgresLike = { unsafe(text: string, values?: unknown[]): Promise<unknown[]> };

/**
 * An executor on the very connection (and so the transaction) drizzle is using. Drizzle keeps its
 * driver client on the session it does not export a type for; both drivers have been checked here.
 * PGlite's extended protocol takes one statement, so parameterless text (pg-boss's multi-statement
 * scripts) goes through its simple protocol.
 */
export function sqlExecutor(queryable: Queryable): SqlExecutor {
  const client = (queryable as unknown as { session: { client: unknown } }).session.client;
  if (databaseDriver() === 'pglite') {
    const pglite = client as PgliteLike;
    return {
      async executeSql(text, values) {
        if (values?.length) return { rows: (await pglite.query(text, values)).rows };
        const results = await pglite.exec(text);
        return { rows: results.at(-1)?.rows ?? [] };
      },
    };
  }
  const postgres = client as PostgresLike;
  return {
    executeSql: async (text, values) => ({
      rows: [...(await postgres.unsafe(text, (values ?? []) as never[]))],
    }),
  };
}
