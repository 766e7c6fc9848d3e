import path from 'node:path';
import { z } from 'zod';

const optional = z
  .string()
  .trim()
  .transform((value) => value || undefined)
  .optional();

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Unset: the embedded PGlite database under STAGEWAY_DATA_DIR. Set: PostgreSQL via postgres.js. */
  DATABASE_URL: optional.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres://')
      .optional(),
  ),
  /** Folder of the embedded database and its generated secret; `memory://` keeps everything in memory. */
  STAGEWAY_DATA_DIR: z.string().default('.data'),
  AUTH_SECRET: optional,
  /** An OpenID Connect provider is offered on the login page when these three are set. */
  AUTH_OIDC_ISSUER: optional.pipe(z.url().optional()),
  AUTH_OIDC_CLIENT_ID: optional,
  AUTH_OIDC_CLIENT_SECRET: optional,
  AUTH_OIDC_NAME: z.string().default('Single sign-on'),
  /** Failed sign-ins from one client address before it is refused, and for how long. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_LOCK_SECONDS: z.coerce.number().int().min(1).default(60),
  /** `off`: this instance enqueues jobs but does not run them (another instance, or a later start, will). */
  STAGEWAY_WORKERS: z.enum(['on', 'off']).default('on'),
  /** REST requests one API token may make per minute before it gets 429. */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** How often the server seals new audit events; 0 leaves sealing to verification alone. */
  AUDIT_SEAL_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(10),
});

export type Env = z.infer<typeof schema>;

function parse(): Env {
  const result = schema.safeParse(process.env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

export const env = parse();

export const isEmbeddedDatabase = !env.DATABASE_URL;

export const dataDir =
  env.STAGEWAY_DATA_DIR === 'memory://'
    ? 'memory://'
    : path.resolve(/* turbopackIgnore: true */ process.cwd(), env.STAGEWAY_DATA_DIR);

export const isOidcEnabled = Boolean(
  env.AUTH_OIDC_ISSUER && env.AUTH_OIDC_CLIENT_ID && env.AUTH_OIDC_CLIENT_SECRET,
);
