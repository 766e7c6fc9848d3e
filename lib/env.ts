import { z } from 'zod';

import { optionalVariable as optional, readEnvironment } from '@/db/config';

/** The server's configuration besides where the database is (`db/config.ts`). */

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  AUTH_SECRET: optional,
  /** An OpenID Connect provider is offered on the login page when these three are set. */
  AUTH_OIDC_ISSUER: optional.pipe(z.url().optional()),
  AUTH_OIDC_CLIENT_ID: optional,
  AUTH_OIDC_CLIENT_SECRET: optional,
  AUTH_OIDC_NAME: z.string().default('Single sign-on'),
  /** The scopes asked for, and the claim that lists the user's groups at the provider. */
  AUTH_OIDC_SCOPE: z.string().default('openid email profile'),
  AUTH_OIDC_GROUPS_CLAIM: z.string().default('groups'),
  /** Failed sign-ins from one client address before it is refused, and for how long. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_LOCK_SECONDS: z.coerce.number().int().min(1).default(60),
  /** The console's address as people reach it: links in webhook payloads and email. */
  STAGEWAY_PUBLIC_URL: z.url().default('http://localhost:3000'),
  /** Webhook URLs on loopback or private networks are refused unless this is `true` (tests, labs). */
  STAGEWAY_WEBHOOKS_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false'),
  /** The first retry of a failed webhook delivery waits this long; each next one twice as long (jittered). */
  STAGEWAY_WEBHOOK_RETRY_SECONDS: z.coerce.number().min(0.1).default(30),
  /** Promotion email through this SMTP server (smtp://user:password@host:587, or smtps://); unset: no email. */
  SMTP_URL: optional,
  SMTP_FROM: z.string().default('Stageway <stageway@localhost>'),
  /** The first retry of an email the SMTP server refused waits this long; each next one twice as long. */
  STAGEWAY_EMAIL_RETRY_SECONDS: z.coerce.number().min(0.1).default(30),
  /** `off`: this instance enqueues jobs but does not run them (another instance, or a later start, will). */
  STAGEWAY_WORKERS: z.enum(['on', 'off']).default('on'),
  /** REST requests one API token may make per minute before it gets 429. */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** How often the server seals new audit events; 0 leaves sealing to verification alone. */
  AUDIT_SEAL_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(10),
  /** The Ed25519 key (PKCS#8 PEM) that signs audit checkpoints; unset: one kept in the data folder. */
  AUDIT_SIGNING_KEY: optional,
  /** Where signed audit checkpoints are appended (one JSON line each) and/or POSTed. */
  AUDIT_CHECKPOINT_FILE: optional,
  AUDIT_CHECKPOINT_URL: optional.pipe(z.url().optional()),
});

export type Env = z.infer<typeof schema>;

export const env = readEnvironment(schema);

export const isOidcEnabled = Boolean(
  env.AUTH_OIDC_ISSUER && env.AUTH_OIDC_CLIENT_ID && env.AUTH_OIDC_CLIENT_SECRET,
);
