import path from 'node:path';
import { z } from 'zod';

/**
 * Where the database is, from the environment: the one piece of configuration `db/` needs (the rest
 * is `lib/env.ts`). Read once, at import.
 */

export const optionalVariable = z
  .string()
  .trim()
  .transform((value) => value || undefined)
  .optional();

const schema = z.object({
  /** Unset: the embedded PGlite database under STAGEWAY_DATA_DIR. Set: PostgreSQL via postgres.js. */
  DATABASE_URL: optionalVariable.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres://')
      .optional(),
  ),
  /** Folder of the embedded database and its generated secret; `memory://` keeps everything in memory. */
  STAGEWAY_DATA_DIR: z.string().default('.data'),
  /** PostgreSQL connections this instance keeps at most (pg-boss keeps 4 more of its own). */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /** A statement running longer is cancelled (the request answers 503; nothing was changed). */
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(15_000),
  /** Waiting longer for a row or table lock gives up the same way: a stuck lock does not pile requests. */
  DATABASE_LOCK_TIMEOUT_MS: z.coerce.number().int().min(0).default(2_000),
  /** A transaction left idle this long (its process stalled) is ended by PostgreSQL, releasing its locks. */
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(0).default(15_000),
});

/** Parses process.env with a schema; a bad value stops the start with every problem named. */
export function readEnvironment<S extends z.ZodType>(variables: S): z.infer<S> {
  const result = variables.safeParse(process.env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

const database = readEnvironment(schema);

export const databaseUrl = database.DATABASE_URL;

export const isEmbeddedDatabase = !databaseUrl;

/** How this instance talks to PostgreSQL: pool size, and the session settings of every connection. */
export const postgresSettings = {
  poolMax: database.DATABASE_POOL_MAX,
  connection: {
    application_name: 'stageway',
    statement_timeout: database.DATABASE_STATEMENT_TIMEOUT_MS,
    lock_timeout: database.DATABASE_LOCK_TIMEOUT_MS,
    idle_in_transaction_session_timeout: database.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  },
};

export const dataDir =
  database.STAGEWAY_DATA_DIR === 'memory://'
    ? 'memory://'
    : path.resolve(/* turbopackIgnore: true */ process.cwd(), database.STAGEWAY_DATA_DIR);
