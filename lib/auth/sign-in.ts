import 'server-only';

import { and, eq, sql } from 'drizzle-orm';

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

// Failures are counted per client address and per account over this window.
const failureWindow = '15 minutes';

/** An account's delay grows from 1 s, doubling with each further failure, to at most this. */
const maxAccountDelaySeconds = 30;

const addressKey = (context: RequestContext) => `ip:${context.ip ?? 'unknown'}`;
const accountKey = (email: string) => `account:${email}`;

/** Seconds until this key may try again, or 0 when it may try now. */
async function retryAfterOf(key: string): Promise<number> {
  const [row] = await getDb()
    .select({ seconds: sql<number>`ceil(extract(epoch from (${loginAttempts.lockedUntil} - now())))::int` })
    .from(loginAttempts)
    .where(eq(loginAttempts.key, key));
  return Math.max(0, row?.seconds ?? 0);
}

/** Seconds until this client may try again, or 0 when it may try now. */
export async function signInRetryAfter(context: RequestContext): Promise<number> {
  return retryAfterOf(addressKey(context));
}

/**
 * Counts a refused attempt, and writes it to the audit trail as one event per key and minute with the
 * number refused since the last one: every refusal is accounted for, and a flood is a handful of events.
 * The conditional update picks one writer per minute across instances.
 */
async function auditRefusal(key: string, who: AuditActor, target: { type: string; id: string } | undefined) {
  const db = getDb();
  await db.transaction(async (tx) => {
    const [due] = await tx
      .update(loginAttempts)
      .set({
        refusedUnaudited: sql`${loginAttempts.refusedUnaudited} + 1`,
      })
      .where(eq(loginAttempts.key, key))
      .returning({ refused: loginAttempts.refusedUnaudited, auditedAt: loginAttempts.refusedAuditedAt });
    if (!due) return;
    const [claimed] = await tx
      .update(loginAttempts)
      .set({ refusedUnaudited: 0, refusedAuditedAt: sql`now()` })
      .where(
        and(
          eq(loginAttempts.key, key),
          sql`(${loginAttempts.refusedAuditedAt} is null or ${loginAttempts.refusedAuditedAt} < now() - interval '1 minute')`,
        ),
      )
      .returning({ key: loginAttempts.key });
    if (!claimed) return;
    await recordAudit(tx, who, {
      action: 'auth.sign_in_throttled',
      outcome: 'denied',
      reason: `${due.refused} sign-in attempt${due.refused === 1 ? '' : 's'} refused while throttled (${key.split(':')[0] === 'ip' ? 'client address' : 'account'})`,
      target,
      changes: { after: { refused: due.refused, key: key.startsWith('ip:') ? 'address' : 'account' } },
    });
  });
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
  const email = input.email.trim().toLowerCase();
  const db = getDb();
  // An address that keeps failing is refused for a while; an account that keeps failing (from any
  // number of addresses) waits a growing but short delay, so an attacker can slow a victim, not lock
  // them out.
  const [addressWait, accountWait] = await Promise.all([
    retryAfterOf(addressKey(context)),
    retryAfterOf(accountKey(email)),
  ]);
  if (addressWait > 0 || accountWait > 0) {
    const throttled: AuditActor = { type: 'user', id: null, name: email, authMethod: 'password', context };
    await auditRefusal(addressWait > 0 ? addressKey(context) : accountKey(email), throttled, undefined);
    return { status: 'rate_limited', retryAfterSeconds: Math.max(addressWait, accountWait) };
  }

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
    await db.transaction(async (tx) => {
      await tx.delete(loginAttempts).where(eq(loginAttempts.key, accountKey(email)));
      await tx
        .update(users)
        .set({ lastSignInAt: sql`now()` })
        .where(eq(users.id, user.id));
      await recordAudit(tx, who, { action: 'auth.signed_in', target: { type: 'user', id: user.id } });
    });
    return { status: 'signed_in', user: { id: user.id, email: user.email, name: user.name } };
  }

  await db.transaction(async (tx) => {
    const expired = sql`(${loginAttempts.windowStartedAt} < now() - ${failureWindow}::interval
      or ${loginAttempts.lockedUntil} < now())`;
    const failures = sql`case when ${expired} then 1 else ${loginAttempts.failures} + 1 end`;
    await tx
      .insert(loginAttempts)
      .values({ key: addressKey(context), failures: 1 })
      .onConflictDoUpdate({
        target: loginAttempts.key,
        set: {
          failures,
          windowStartedAt: sql`case when ${expired} then now() else ${loginAttempts.windowStartedAt} end`,
          lockedUntil: sql`case when ${failures} >= ${env.LOGIN_MAX_FAILURES}
            then now() + make_interval(secs => ${env.LOGIN_LOCK_SECONDS}) else null end`,
        },
      });
    const accountFailures = sql`case when ${loginAttempts.windowStartedAt} < now() - ${failureWindow}::interval
      then 1 else ${loginAttempts.failures} + 1 end`;
    await tx
      .insert(loginAttempts)
      .values({ key: accountKey(email), failures: 1 })
      .onConflictDoUpdate({
        target: loginAttempts.key,
        set: {
          failures: accountFailures,
          windowStartedAt: sql`case when ${loginAttempts.windowStartedAt} < now() - ${failureWindow}::interval
            then now() else ${loginAttempts.windowStartedAt} end`,
          lockedUntil: sql`case when ${accountFailures} >= ${env.LOGIN_MAX_FAILURES}
            then now() + make_interval(secs => least(power(2, ${accountFailures} - ${env.LOGIN_MAX_FAILURES}), ${maxAccountDelaySeconds}))
            else null end`,
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
