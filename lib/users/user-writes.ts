import 'server-only';

import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';

import type { Tx } from '@/db';
import { roleBindings, users } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { runAudited } from '@/lib/audit/run-audited';
import type { Actor } from '@/lib/auth/actor';
import { refuseUnlessOrgAdmin } from '@/lib/auth/org-admin';
import { hashPassword, oneTimePassword } from '@/lib/auth/password';
import { endSessionsOf } from '@/lib/auth/sessions';
import { isOidcEnabled } from '@/lib/env';
import { AppError, notFound, parseInput, uniqueViolation } from '@/lib/errors';
import { isUuid } from '@/lib/ids';

import { refuseLosingLastAdmin } from './last-admin';

/**
 * Organization admins manage people: create them (with a one-time password shown once, or none when
 * they sign in through SSO), disable and enable them, and reset their password. A disabled user's
 * sessions end at once and their API tokens are refused from the next request (roles are read on
 * every request, and a disabled user has none).
 */

export const createUserInput = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254, 'At most 254 characters')
    .pipe(z.email('Enter an email address')),
  name: z.string().trim().min(1, 'Required').max(100, 'At most 100 characters'),
  organizationAdmin: z.boolean().default(false),
  signIn: z.enum(['password', 'sso'], 'Choose password or single sign-on').default('password'),
});

export type CreatedUser = { id: string; email: string; name: string; oneTimePassword: string | null };

export async function createUser(
  actor: Actor,
  rawInput: z.input<typeof createUserInput>,
): Promise<CreatedUser> {
  const event = { action: 'user.created', target: { type: 'user', id: 'new' } } as const;
  await refuseUnlessOrgAdmin(actor, event);
  const input = parseInput(createUserInput, rawInput);
  if (input.signIn === 'sso' && !isOidcEnabled) {
    throw new AppError('validation', 'The request is invalid.', {
      fieldErrors: { signIn: ['Single sign-on is not configured: give the user a password'] },
    });
  }
  const password = input.signIn === 'password' ? oneTimePassword() : null;
  const passwordHash = password ? await hashPassword(password) : null;
  try {
    return await runAudited(actor, async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({ email: input.email, name: input.name, passwordHash, mustChangePassword: Boolean(password) })
        .returning({ id: users.id, email: users.email, name: users.name });
      if (input.organizationAdmin) {
        await tx
          .insert(roleBindings)
          .values({ userId: user!.id, scope: 'organization', role: 'ADMIN', createdBy: actor.userId });
      }
      await recordAudit(tx, actor, {
        ...event,
        target: { type: 'user', id: user!.id },
        changes: {
          before: null,
          after: {
            email: user!.email,
            name: user!.name,
            organizationRole: input.organizationAdmin ? 'ADMIN' : 'USER',
            signIn: input.signIn,
          },
        },
      });
      return { ...user!, oneTimePassword: password };
    });
  } catch (error) {
    if (uniqueViolation(error)?.constraint === 'users_email_key') {
      throw new AppError('validation', 'The request is invalid.', {
        fieldErrors: { email: [`A user with the email ${input.email} exists`] },
      });
    }
    throw error;
  }
}

/** The user an admin acts on, locked for the change; unknown ids are not found. */
async function lockUser(tx: Tx, userId: string) {
  const [user] = isUuid(userId)
    ? await tx
        .select({ id: users.id, email: users.email, name: users.name, disabledAt: users.disabledAt })
        .from(users)
        .where(eq(users.id, userId))
        .for('update')
    : [];
  if (!user) throw notFound('User');
  return user;
}

/** Disables a user (every session ends; tokens refused) or enables them again. */
export async function setUserDisabled(
  actor: Actor,
  userId: string,
  disabled: boolean,
): Promise<{ id: string; disabled: boolean; endedSessions: number }> {
  const action = disabled ? 'user.disabled' : 'user.enabled';
  await refuseUnlessOrgAdmin(actor, { action, target: { type: 'user', id: String(userId) } });
  return runAudited(actor, async (tx) => {
    const user = await lockUser(tx, userId);
    if (disabled && user.id === actor.userId) throw new AppError('conflict', 'You cannot disable yourself.');
    if (Boolean(user.disabledAt) === disabled) {
      throw new AppError('conflict', `${user.name} is already ${disabled ? 'disabled' : 'enabled'}.`);
    }
    if (disabled) await refuseLosingLastAdmin(tx, user.id, 'disabled');
    await tx
      .update(users)
      .set({ disabledAt: disabled ? sql`now()` : null })
      .where(and(eq(users.id, user.id), disabled ? isNull(users.disabledAt) : isNotNull(users.disabledAt)));
    const endedSessions = disabled ? await endSessionsOf(tx, user.id, `user disabled by ${actor.name}`) : 0;
    await recordAudit(tx, actor, {
      action,
      target: { type: 'user', id: user.id },
      changes: {
        before: { email: user.email, disabled: !disabled },
        after: { email: user.email, disabled, ...(disabled && { endedSessions }) },
      },
    });
    return { id: user.id, disabled, endedSessions };
  });
}

/**
 * Gives a user a new one-time password (shown once): their sessions end, and they choose a new
 * password at their next sign-in.
 */
export async function resetUserPassword(
  actor: Actor,
  userId: string,
): Promise<{ id: string; oneTimePassword: string; endedSessions: number }> {
  const event = { action: 'user.password_reset', target: { type: 'user', id: String(userId) } } as const;
  await refuseUnlessOrgAdmin(actor, event);
  const password = oneTimePassword();
  const passwordHash = await hashPassword(password);
  return runAudited(actor, async (tx) => {
    const user = await lockUser(tx, userId);
    await tx.update(users).set({ passwordHash, mustChangePassword: true }).where(eq(users.id, user.id));
    const endedSessions = await endSessionsOf(tx, user.id, `password reset by ${actor.name}`);
    await recordAudit(tx, actor, {
      ...event,
      target: { type: 'user', id: user.id },
      changes: { after: { email: user.email, mustChangePassword: true, endedSessions } },
    });
    return { id: user.id, oneTimePassword: password, endedSessions };
  });
}
