import 'server-only';

import { eq, sql } from 'drizzle-orm';

import { getDb } from '@/db';
import { loginAttempts, users } from '@/db/schema';
import { recordAudit, type AuditActor } from '@/lib/audit/record';
import { env } from '@/lib/env';

import type { RequestContext } from './actor';
import { decoyPasswordHash, verifyPassword } from './password';

export type SignedInUser = { id: string; email: string; name: string };

export type SignInResult =
  | { status: 'signed_in'; user: SignedInUser }
  | { status: 'invalid' }
  | { status: 'rate_limited'; retryAfterSeconds: number };

// Failures are counted per client address over this window; reaching the limit locks the address.
const failureWindow = '15 minutes';

function throttleKey(context: RequestContext): string {
  return `ip:${context.ip ?? 'unknown'}`;
}

/** Seconds until this client may try again, or 0 when it may try now. */
export async function signInRetryAfter(context: RequestContext): Promise<number> {
  const [row] = await getDb()
    .select({ seconds: sql<number>`ceil(extract(epoch from (${loginAttempts.lockedUntil} - now())))::int` })
    .from(loginAttempts)
    .where(eq(loginAttempts.key, throttleKey(context)));
  return Math.max(0, row?.seconds ?? 0);
}

/**
 * Checks an email and password. The answer never tells whether the email exists (an unknown email
 * costs the same scrypt as a wrong password); every outcome is audited; a client that keeps failing
 * is refused for a while, with the count kept in the database so it holds across app instances.
 */
export async function signInWithPassword(
  input: { email: string; password: string },
  context: RequestContext,
): Promise<SignInResult> {
  const retryAfterSeconds = await signInRetryAfter(context);
  if (retryAfterSeconds > 0) return { status: 'rate_limited', retryAfterSeconds };

  const email = input.email.trim().toLowerCase();
  const db = getDb();
  const [user] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      passwordHash: users.passwordHash,
      disabledAt: users.disabledAt,
    })
    .from(users)
    .where(eq(users.email, email));
  const isValid =
    (await verifyPassword(input.password, user?.passwordHash ?? (await decoyPasswordHash()))) &&
    Boolean(user?.passwordHash) &&
    !user?.disabledAt;

  const who: AuditActor = {
    type: 'user',
    id: user?.id ?? null,
    name: user?.name ?? email,
    authMethod: 'password',
    context,
  };

  if (isValid && user) {
    await db.transaction((tx) =>
      recordAudit(tx, who, { action: 'auth.signed_in', target: { type: 'user', id: user.id } }),
    );
    return { status: 'signed_in', user: { id: user.id, email: user.email, name: user.name } };
  }

  await db.transaction(async (tx) => {
    const expired = sql`(${loginAttempts.windowStartedAt} < now() - ${failureWindow}::interval
      or ${loginAttempts.lockedUntil} < now())`;
    const failures = sql`case when ${expired} then 1 else ${loginAttempts.failures} + 1 end`;
    await tx
      .insert(loginAttempts)
      .values({ key: throttleKey(context), failures: 1 })
      .onConflictDoUpdate({
        target: loginAttempts.key,
        set: {
          failures,
          windowStartedAt: sql`case when ${expired} then now() else ${loginAttempts.windowStartedAt} end`,
          lockedUntil: sql`case when ${failures} >= ${env.LOGIN_MAX_FAILURES}
            then now() + make_interval(secs => ${env.LOGIN_LOCK_SECONDS}) else null end`,
        },
      });
    await recordAudit(tx, who, {
      action: 'auth.sign_in_failed',
      outcome: 'denied',
      reason: !user ? 'unknown email' : user.disabledAt ? 'user disabled' : 'wrong password',
      target: user ? { type: 'user', id: user.id } : undefined,
    });
  });
  return { status: 'invalid' };
}

/** Sign-in through an OpenID Connect provider: only users already known by their email may enter. */
export async function signInWithOidc(email: string, context: RequestContext): Promise<SignedInUser | null> {
  const db = getDb();
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.email, email.trim().toLowerCase()));
  const who: AuditActor = {
    type: 'user',
    id: user?.id ?? null,
    name: user?.name ?? email,
    authMethod: 'oidc',
    context,
  };
  const isAllowed = Boolean(user && !user.disabledAt);
  await db.transaction((tx) =>
    recordAudit(tx, who, {
      action: isAllowed ? 'auth.signed_in' : 'auth.sign_in_failed',
      outcome: isAllowed ? 'success' : 'denied',
      reason: isAllowed ? undefined : user ? 'user disabled' : 'no Stageway user with this email',
      target: user ? { type: 'user', id: user.id } : undefined,
    }),
  );
  return isAllowed && user ? { id: user.id, email: user.email, name: user.name } : null;
}
