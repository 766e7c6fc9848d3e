import 'server-only';

import { and, desc, eq, gt, isNull, lt, ne, sql } from 'drizzle-orm';
import { z } from 'zod';

import { getDb, type Queryable, type Tx } from '@/db';
import { sessions, users } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { DeniedError, runAudited } from '@/lib/audit/run-audited';
import { AppError, notFound, parseInput } from '@/lib/errors';
import { isUuid } from '@/lib/ids';

import type { Actor, AuthMethod, RequestContext } from './actor';
import { hashPassword, verifyPassword } from './password';

/**
 * Server-side sessions. The cookie only names a session; whether it still holds is asked here on every
 * request (one indexed lookup), so signing out, changing a password, disabling a user or "sign out
 * everywhere" end it at once for every page, server action and REST call.
 */

/** How long a session lasts without being ended (the cookie's own lifetime is the same). */
export const sessionHours = 12;

/** Opens a session at sign-in: its id goes into the cookie. */
export async function startSession(
  db: Queryable,
  userId: string,
  authMethod: AuthMethod,
  context: RequestContext,
): Promise<string> {
  const [session] = await db
    .insert(sessions)
    .values({
      userId,
      authMethod,
      ip: context.ip,
      userAgent: context.userAgent?.slice(0, 500) ?? null,
      expiresAt: sql`now() + make_interval(hours => ${sessionHours})`,
    })
    .returning({ id: sessions.id });
  return session!.id;
}

/**
 * The user and method of a session that still holds (not ended, not expired), or null. Marks it seen,
 * at most once a minute, so the sessions page can say when each was last used.
 */
export async function activeSession(
  sessionId: unknown,
): Promise<{ userId: string; authMethod: AuthMethod; sessionId: string } | null> {
  if (typeof sessionId !== 'string' || !isUuid(sessionId)) return null;
  const db = getDb();
  const [session] = await db
    .select({ userId: sessions.userId, authMethod: sessions.authMethod, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), isNull(sessions.endedAt), gt(sessions.expiresAt, sql`now()`)));
  if (!session) return null;
  if (Date.now() - session.lastSeenAt.getTime() > 60_000) {
    await db
      .update(sessions)
      .set({ lastSeenAt: sql`now()` })
      .where(and(eq(sessions.id, sessionId), lt(sessions.lastSeenAt, sql`now() - interval '1 minute'`)));
  }
  return { userId: session.userId, authMethod: session.authMethod as AuthMethod, sessionId };
}

/** Ends sessions of a user (all, or all but one), with the reason; how many ended. */
/** Ends every open session of a user (but `except`), returning how many ended. */
export async function endSessionsOf(
  tx: Tx,
  userId: string,
  reason: string,
  except?: string,
): Promise<number> {
  const ended = await tx
    .update(sessions)
    .set({ endedAt: sql`now()`, endedReason: reason })
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.endedAt),
        except ? ne(sessions.id, except) : undefined,
      ),
    )
    .returning({ id: sessions.id });
  return ended.length;
}

/** Sign-out: the actor's own session ends, audited. */
export async function signOut(actor: Actor): Promise<void> {
  await runAudited(actor, async (tx) => {
    if (actor.sessionId) {
      await tx
        .update(sessions)
        .set({ endedAt: sql`now()`, endedReason: 'signed out' })
        .where(and(eq(sessions.id, actor.sessionId), isNull(sessions.endedAt)));
    }
    await recordAudit(tx, actor, { action: 'auth.signed_out', target: { type: 'user', id: actor.userId } });
  });
}

/** The actor's sessions that still hold, most recently used first. */
export async function listOwnSessions(actor: Actor) {
  const rows = await getDb()
    .select({
      id: sessions.id,
      authMethod: sessions.authMethod,
      ip: sessions.ip,
      userAgent: sessions.userAgent,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .where(
      and(eq(sessions.userId, actor.userId), isNull(sessions.endedAt), gt(sessions.expiresAt, sql`now()`)),
    )
    .orderBy(desc(sessions.lastSeenAt))
    .limit(100);
  return rows.map((row) => ({ ...row, isCurrent: row.id === actor.sessionId }));
}

/** Ends one of the actor's own sessions (another device, or this one). */
export async function endSession(actor: Actor, sessionId: string): Promise<void> {
  if (!isUuid(sessionId)) throw notFound('Session');
  await runAudited(actor, async (tx) => {
    const [ended] = await tx
      .update(sessions)
      .set({ endedAt: sql`now()`, endedReason: `ended by ${actor.name}` })
      .where(and(eq(sessions.id, sessionId), eq(sessions.userId, actor.userId), isNull(sessions.endedAt)))
      .returning({ id: sessions.id });
    if (!ended) throw notFound('Session');
    await recordAudit(tx, actor, {
      action: 'auth.session_ended',
      target: { type: 'user', id: actor.userId },
      changes: { after: { sessionId } },
    });
  });
}

/**
 * Signs a user out everywhere: an organization admin for anyone, a user for themselves (keeping the
 * session they ask from, with `keepCurrent`).
 */
export async function signOutEverywhere(
  actor: Actor,
  userId: string,
  options: { keepCurrent?: boolean } = {},
): Promise<{ ended: number }> {
  if (!isUuid(userId)) throw notFound('User');
  const isSelf = userId === actor.userId;
  return runAudited(actor, async (tx) => {
    const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId));
    if (!user || (!isSelf && !actor.isOrgAdmin)) {
      if (user && !isSelf) {
        // Administration: to anyone else, there is nothing here.
        throw new DeniedError(
          'Not found.',
          { action: 'auth.sessions_ended', target: { type: 'user', id: userId } },
          { code: 'not_found' },
        );
      }
      throw notFound('User');
    }
    const ended = await endSessionsOf(
      tx,
      userId,
      isSelf ? 'signed out everywhere' : `signed out everywhere by ${actor.name}`,
      isSelf && options.keepCurrent ? actor.sessionId : undefined,
    );
    await recordAudit(tx, actor, {
      action: 'auth.sessions_ended',
      target: { type: 'user', id: userId },
      changes: { after: { ended, keptCurrent: Boolean(isSelf && options.keepCurrent) } },
    });
    return { ended };
  });
}

export const passwordRules =
  'At least 12 characters, not your email or your name, and not the password you have now.';

export const changePasswordInput = z.object({
  currentPassword: z.string().min(1, 'Enter your current password').max(1000),
  newPassword: z.string().min(12, 'At least 12 characters').max(1000, 'At most 1000 characters'),
});

/**
 * A user changes their own password: the current one is required, the new one must follow the rules,
 * and every other session of theirs ends (this one stays signed in).
 */
export async function changeOwnPassword(
  actor: Actor,
  rawInput: z.input<typeof changePasswordInput>,
): Promise<{ endedSessions: number; wasRequired: boolean }> {
  const input = parseInput(changePasswordInput, rawInput);
  const [user] = await getDb()
    .select({ passwordHash: users.passwordHash, email: users.email, name: users.name })
    .from(users)
    .where(eq(users.id, actor.userId));
  if (!user?.passwordHash || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw new AppError('validation', 'Some fields need attention.', {
      fieldErrors: { currentPassword: ['This is not your current password'] },
    });
  }
  const lowered = input.newPassword.toLowerCase();
  const problem =
    lowered.includes(user.email.split('@')[0]!.toLowerCase()) || lowered.includes(user.email.toLowerCase())
      ? 'Must not contain your email'
      : lowered.includes(user.name.toLowerCase())
        ? 'Must not contain your name'
        : input.newPassword === input.currentPassword
          ? 'Must differ from your current password'
          : null;
  if (problem) {
    throw new AppError('validation', 'Some fields need attention.', {
      fieldErrors: { newPassword: [problem] },
    });
  }
  const passwordHash = await hashPassword(input.newPassword);
  return runAudited(actor, async (tx) => {
    await tx.update(users).set({ passwordHash, mustChangePassword: false }).where(eq(users.id, actor.userId));
    const endedSessions = await endSessionsOf(tx, actor.userId, 'password changed', actor.sessionId);
    await recordAudit(tx, actor, {
      action: 'auth.password_changed',
      target: { type: 'user', id: actor.userId },
      changes: { after: { endedSessions } },
    });
    return { endedSessions, wasRequired: Boolean(actor.mustChangePassword) };
  });
}
