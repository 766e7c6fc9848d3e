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

export const dataDir =
  database.STAGEWAY_DATA_DIR === 'memory://'
    ? 'memory://'
    : path.resolve(/* turbopackIgnore: true */ process.cwd(), database.STAGEWAY_DATA_DIR);
