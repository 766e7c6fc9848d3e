import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';

import { getDb } from '@/db';
import { users } from '@/db/schema';
import { loadActor, noRequestContext } from '@/lib/auth/actor';
import { addGroupMember, createGroup, updateGroup } from '@/lib/groups/group-writes';
import { getGroupForAdmin } from '@/lib/groups/queries';
import { setUserDisabled } from '@/lib/users/user-writes';
import { actorFor, auditEventsSince, createTestGroup, environmentId, lastAuditSeq } from '@/test/fixtures';

import { signInWithOidc } from './oidc-sign-in';

/** Single sign-on after the provider's answer is verified: who it is, and which groups follow. */

const from = { ip: '198.51.100.9', userAgent: 'vitest', requestId: 'sso' };

describe('signInWithOidc', () => {
  it('creates a user at the first sign-in (no password), and finds the same one the next time', async () => {
    const since = await lastAuditSeq();
    const first = await signInWithOidc(
      { email: 'Nora.Quist@Example.com', emailVerified: true, name: 'Nora Quist' },
      from,
    );
    expect(first).toMatchObject({
      status: 'signed_in',
      user: { email: 'nora.quist@example.com', name: 'Nora Quist' },
    });
    const [row] = await getDb().select().from(users).where(eq(users.email, 'nora.quist@example.com'));
    expect(row!.passwordHash).toBeNull();
    const again = await signInWithOidc({ email: 'nora.quist@example.com', emailVerified: true }, from);
    expect(again).toMatchObject({ status: 'signed_in', user: { id: row!.id } });
    const events = await auditEventsSince(since);
    expect(events.map((event) => [event.action, event.authMethod, event.actorId])).toEqual([
      ['user.created', 'oidc', row!.id],
      ['auth.signed_in', 'oidc', row!.id],
      ['auth.signed_in', 'oidc', row!.id],
    ]);
  });

  it('matches an existing user by email, whatever its case', async () => {
    const alice = await actorFor('alice@example.com');
    const result = await signInWithOidc({ email: 'ALICE@example.com', emailVerified: true }, from);
    expect(result).toMatchObject({ status: 'signed_in', user: { id: alice.userId } });
  });

  it('refuses an unverified or missing email and a disabled user, each audited', async () => {
    const since = await lastAuditSeq();
    expect(await signInWithOidc({ email: 'alice@example.com', emailVerified: false }, from)).toEqual({
      status: 'refused',
      code: 'unverified_email',
    });
    expect(await signInWithOidc({ email: null, emailVerified: true }, from)).toEqual({
      status: 'refused',
      code: 'no_email',
    });
    const admin = await actorFor('admin@example.com');
    const [erin] = await getDb().select().from(users).where(eq(users.email, 'erin@example.com'));
    await setUserDisabled(admin, erin!.id, true);
    try {
      expect(await signInWithOidc({ email: 'erin@example.com', emailVerified: true }, from)).toEqual({
        status: 'refused',
        code: 'disabled',
      });
    } finally {
      await setUserDisabled(admin, erin!.id, false);
    }
    const refusals = (await auditEventsSince(since)).filter(
      (event) => event.action === 'auth.sign_in_failed',
    );
    expect(refusals.map((event) => [event.outcome, event.reason])).toEqual([
      ['denied', 'The identity provider has not verified this email address.'],
      ['denied', 'The identity provider sent no email address.'],
      ['denied', 'This account is disabled: ask an administrator.'],
    ]);
  });

  it("follows the provider's groups: a mapped group's role comes with the group claim and goes without it", async () => {
    const admin = await actorFor('admin@example.com');
    const mapped = await createGroup(admin, {
      environment: 'qa',
      name: 'IdP QA approvers',
      environmentRole: 'APPROVER',
    });
    await updateGroup(admin, mapped!.id, { identityProviderGroups: ['qa-approvers', 'qa-leads'] });
    // A group the admins manage by hand is left alone.
    const manual = await createTestGroup('qa', 'Hand-made', []);
    const qa = await environmentId('qa');
    const rolesOf = async (userId: string) => (await loadActor(getDb(), userId, 'oidc', noRequestContext))!;

    const signedIn = await signInWithOidc(
      { email: 'oscar@example.com', emailVerified: true, name: 'Oscar', groups: ['qa-leads', 'unrelated'] },
      from,
    );
    if (signedIn.status !== 'signed_in') throw new Error('not signed in');
    const oscar = signedIn.user.id;
    expect((await rolesOf(oscar)).environmentRoles.get(qa)).toBe('APPROVER');
    await addGroupMember(admin, manual.id, { userId: oscar });

    const since = await lastAuditSeq();
    await signInWithOidc({ email: 'oscar@example.com', emailVerified: true, groups: ['unrelated'] }, from);
    expect((await rolesOf(oscar)).environmentRoles.get(qa)).toBeUndefined();
    const events = await auditEventsSince(since);
    expect(events.map((event) => [event.action, event.targetId, event.reason])).toEqual([
      ['group.member_removed', mapped!.id, 'no longer in a mapped identity provider group'],
      ['auth.signed_in', oscar, null],
    ]);
    // The hand-made membership stays.
    expect((await getGroupForAdmin(admin, manual.id)).members.map((member) => member.userId)).toEqual([
      oscar,
    ]);
  });
});
