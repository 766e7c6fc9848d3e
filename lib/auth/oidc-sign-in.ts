import 'server-only';

import { and, arrayOverlaps, eq, inArray, notInArray, sql } from 'drizzle-orm';

import type { Tx } from '@/db';
import { getDb } from '@/db';
import { groupMembers, groups, users } from '@/db/schema';
import { recordAudit, type AuditActor } from '@/lib/audit/record';

import { noRequestContext, type RequestContext } from './actor';
import type { SignedInUser } from './sign-in';

/** What Stageway takes from a verified ID token (and userinfo): who, and the groups claim. */
export type OidcClaims = {
  email?: string | null;
  emailVerified?: boolean | null;
  name?: string | null;
  groups?: readonly string[] | null;
};

/** Why single sign-on was refused after the provider's answer was verified: the login page says it. */
export const oidcRefusals = {
  no_email: 'The identity provider sent no email address.',
  unverified_email: 'The identity provider has not verified this email address.',
  disabled: 'This account is disabled: ask an administrator.',
} as const;

export type OidcRefusal = keyof typeof oidcRefusals;

export type OidcSignIn =
  { status: 'signed_in'; user: SignedInUser } | { status: 'refused'; code: OidcRefusal };

/**
 * Single sign-on, after next-auth has checked the ID token (issuer, audience, signature, expiry,
 * nonce). The user is matched by a verified email, or created on first sign-in (just in time); a
 * disabled user is refused. Then group membership follows the identity provider: the user is a member
 * of exactly those groups mapped to one of their groups (`groups.identity_provider_groups`); groups
 * without a mapping are left as the admins made them. One transaction, every change audited.
 */
export async function signInWithOidc(claims: OidcClaims, context: RequestContext): Promise<OidcSignIn> {
  const email = claims.email?.trim().toLowerCase() ?? '';
  return getDb().transaction(async (tx) => {
    const refuse = async (code: OidcRefusal, who?: { id: string; name: string }) => {
      await recordAudit(tx, actorOf(who ?? { id: null, name: email || '(no email)' }, context), {
        action: 'auth.sign_in_failed',
        outcome: 'denied',
        reason: oidcRefusals[code],
        target: who ? { type: 'user', id: who.id } : undefined,
      });
      return { status: 'refused' as const, code };
    };
    if (!email) return refuse('no_email');
    if (claims.emailVerified !== true) return refuse('unverified_email');
    let [user] = await tx
      .select({ id: users.id, email: users.email, name: users.name, disabledAt: users.disabledAt })
      .from(users)
      .where(eq(users.email, email))
      .for('update');
    if (!user) {
      const name = claims.name?.trim().slice(0, 200) || email;
      [user] = await tx
        .insert(users)
        .values({ email, name, passwordHash: null })
        .onConflictDoNothing()
        .returning({ id: users.id, email: users.email, name: users.name, disabledAt: users.disabledAt });
      // Two first sign-ins at once: the other one created it.
      user ??= (await tx.select().from(users).where(eq(users.email, email)))[0]!;
      await recordAudit(tx, actorOf(user, context), {
        action: 'user.created',
        target: { type: 'user', id: user.id },
        reason: 'first single sign-on',
        changes: { after: { email, name: user.name, via: 'oidc' } },
      });
    }
    if (user.disabledAt) return refuse('disabled', user);

    await followIdentityProviderGroups(tx, user, claims.groups ?? [], context);
    await tx
      .update(users)
      .set({ lastSignInAt: sql`now()` })
      .where(eq(users.id, user.id));
    await recordAudit(tx, actorOf(user, context), {
      action: 'auth.signed_in',
      target: { type: 'user', id: user.id },
    });
    return { status: 'signed_in' as const, user: { id: user.id, email: user.email, name: user.name } };
  });
}

function actorOf(who: { id: string | null; name: string }, context: RequestContext): AuditActor {
  return { type: 'user', id: who.id, name: who.name, authMethod: 'oidc', context };
}

/** Adds the user to the mapped groups they are in at the provider, and takes them out of the others. */
async function followIdentityProviderGroups(
  tx: Tx,
  user: { id: string; email: string; name: string },
  providerGroups: readonly string[],
  context: RequestContext,
) {
  const mapped = providerGroups.length
    ? await tx
        .select({ id: groups.id, name: groups.name, environmentId: groups.environmentId })
        .from(groups)
        .where(arrayOverlaps(groups.identityProviderGroups, [...providerGroups]))
    : [];
  const current = await tx
    .select({ id: groups.id, name: groups.name, environmentId: groups.environmentId })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .where(
      and(
        eq(groupMembers.userId, user.id),
        sql`cardinality(${groups.identityProviderGroups}) > 0`,
        mapped.length
          ? notInArray(
              groups.id,
              mapped.map((group) => group.id),
            )
          : undefined,
      ),
    );
  const actor = actorOf(user, context);
  for (const group of mapped) {
    const [added] = await tx
      .insert(groupMembers)
      .values({ groupId: group.id, userId: user.id, apiRole: 'USER' })
      .onConflictDoNothing()
      .returning({ groupId: groupMembers.groupId });
    if (!added) continue;
    await recordAudit(tx, actor, {
      action: 'group.member_added',
      environmentIds: [group.environmentId],
      target: { type: 'group', id: group.id },
      reason: 'identity provider group',
      changes: { after: { group: group.name, member: user.email, apiRole: 'USER' } },
    });
  }
  if (current.length) {
    await tx.delete(groupMembers).where(
      and(
        eq(groupMembers.userId, user.id),
        inArray(
          groupMembers.groupId,
          current.map((group) => group.id),
        ),
      ),
    );
  }
  for (const group of current) {
    await recordAudit(tx, actor, {
      action: 'group.member_removed',
      environmentIds: [group.environmentId],
      target: { type: 'group', id: group.id },
      reason: 'no longer in a mapped identity provider group',
      changes: { before: { group: group.name, member: user.email } },
    });
  }
}

/**
 * An answer from the identity provider that next-auth refused before Stageway saw any claim (a wrong
 * issuer or audience, a bad signature, an expired ID token, a failed state, nonce or PKCE check):
 * audited with what was wrong, without the token.
 */
export async function auditOidcFailure(detail: string): Promise<void> {
  await getDb().transaction((tx) =>
    recordAudit(tx, actorOf({ id: null, name: '(single sign-on)' }, noRequestContext), {
      action: 'auth.sign_in_failed',
      outcome: 'denied',
      reason: `The identity provider's answer was refused: ${detail}`.slice(0, 500),
    }),
  );
}
