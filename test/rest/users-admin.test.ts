import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';

import * as environmentsRoute from '@/app/api/v1/environments/route';
import { getDb } from '@/db';
import { apiGroups, users } from '@/db/schema';
import { loadActor, noRequestContext } from '@/lib/auth/actor';
import { changeOwnPassword } from '@/lib/auth/sessions';
import { signInWithPassword } from '@/lib/auth/sign-in';
import { updateApprovalPolicy } from '@/lib/environments/update-approval-policy';
import {
  addGroupMember,
  createGroup,
  deleteGroup,
  removeGroupMember,
  updateGroup,
} from '@/lib/groups/group-writes';
import { listTasks } from '@/lib/promotions/queries';
import { requestPromotion } from '@/lib/promotions/request-promotion';
import { grantRole } from '@/lib/roles/grant-role';
import { revokeRole } from '@/lib/roles/revoke-role';
import { createApiToken } from '@/lib/tokens/create-api-token';
import {
  actorFor,
  apiNamed,
  auditEventsSince,
  environmentId,
  isPostgres,
  lastAuditSeq,
  userIdOf,
} from '@/test/fixtures';
import { call, signedInDevice } from './harness';

import { listUsers } from '@/lib/users/queries';
import { createUser, resetUserPassword, setUserDisabled } from '@/lib/users/user-writes';

const context = { ip: '198.51.100.9', userAgent: 'vitest', requestId: null };
const reads = async (credentials: { cookie?: string; token?: string }) =>
  (
    await call(environmentsRoute.GET, {
      path: '/environments',
      token: credentials.token,
      headers: credentials.cookie ? { cookie: credentials.cookie } : {},
    })
  ).status;

describe('users, administered', () => {
  it('a new user gets a one-time password, shown once, that must be replaced before anything else', async () => {
    const admin = await actorFor('admin@example.com');
    const since = await lastAuditSeq();
    const created = await createUser(admin, { email: ' Grace.Hopper@Example.com ', name: 'Grace Hopper' });
    expect(created.email).toBe('grace.hopper@example.com');
    expect(created.oneTimePassword).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    const [event] = await auditEventsSince(since);
    expect(event).toMatchObject({ action: 'user.created', outcome: 'success' });
    // The password is in no audit event, only its existence.
    expect(JSON.stringify(event)).not.toContain(created.oneTimePassword);

    const signedIn = await signInWithPassword(
      { email: created.email, password: created.oneTimePassword! },
      context,
    );
    expect(signedIn.status).toBe('signed_in');
    const device = await signedInDevice(created.email);
    expect(device.actor.mustChangePassword).toBe(true);
    // Over REST the session is refused until the password is changed.
    expect(await reads({ cookie: device.cookie })).toBe(403);
    await changeOwnPassword(device.actor, {
      currentPassword: created.oneTimePassword!,
      newPassword: 'a much longer passphrase',
    });
    const after = (await loadActor(getDb(), created.id, 'password', noRequestContext, device.sid))!;
    expect(after.mustChangePassword).toBeUndefined();
    expect(await reads({ cookie: device.cookie })).toBe(200);
    const [row] = await getDb().select().from(users).where(eq(users.id, created.id));
    expect(row!.lastSignInAt).not.toBeNull();

    await expect(
      createUser(admin, { email: 'grace.hopper@example.com', name: 'Again' }),
    ).rejects.toMatchObject({
      code: 'validation',
      fieldErrors: { email: ['A user with the email grace.hopper@example.com exists'] },
    });
    await expect(createUser(admin, { email: 'nope', name: '' })).rejects.toMatchObject({
      fieldErrors: { email: expect.any(Array), name: expect.any(Array) },
    });
    await expect(
      createUser(admin, { email: 'sso@example.com', name: 'S', signIn: 'sso' }),
    ).rejects.toMatchObject({
      fieldErrors: { signIn: ['Single sign-on is not configured: give the user a password'] },
    });
  });

  it('a disabled user is refused at sign-in, with their session and with their token; enabling lets them back', async () => {
    const admin = await actorFor('admin@example.com');
    const frank = await actorFor('frank@example.com');
    const device = await signedInDevice('frank@example.com');
    const { token } = await createApiToken(frank, { name: 'ci' });
    expect(await reads({ cookie: device.cookie })).toBe(200);
    expect(await reads({ token })).toBe(200);

    await setUserDisabled(admin, frank.userId, true);
    expect(await reads({ cookie: device.cookie })).toBe(401);
    expect(await reads({ token })).toBe(401);
    expect(
      (await signInWithPassword({ email: 'frank@example.com', password: 'stageway-demo' }, context)).status,
    ).toBe('invalid');

    await setUserDisabled(admin, frank.userId, false);
    expect(await reads({ token })).toBe(200);
    // The session ended for good; a new sign-in works.
    expect(await reads({ cookie: device.cookie })).toBe(401);
    expect(
      (await signInWithPassword({ email: 'frank@example.com', password: 'stageway-demo' }, context)).status,
    ).toBe('signed_in');
    await expect(setUserDisabled(admin, frank.userId, false)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('a password reset ends every session and asks for a new password at the next sign-in', async () => {
    const admin = await actorFor('admin@example.com');
    const device = await signedInDevice('erin@example.com');
    const reset = await resetUserPassword(admin, device.actor.userId);
    expect(reset.endedSessions).toBe(1);
    expect(await reads({ cookie: device.cookie })).toBe(401);
    expect(
      (await signInWithPassword({ email: 'erin@example.com', password: 'stageway-demo' }, context)).status,
    ).toBe('invalid');
    expect(
      (await signInWithPassword({ email: 'erin@example.com', password: reset.oneTimePassword }, context))
        .status,
    ).toBe('signed_in');
    expect((await actorFor('erin@example.com')).mustChangePassword).toBe(true);
  });

  it('the last organization admin can be neither disabled nor demoted; with a second admin, either can', async () => {
    const admin = await actorFor('admin@example.com');
    const lastAdmin = /last organization admin/;
    // Disabling oneself is refused anyway; demoting the only admin is refused for being the last one.
    await expect(
      grantRole(admin, { userId: admin.userId, scope: 'organization', role: 'USER' }),
    ).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(lastAdmin) });
    await expect(revokeRole(admin, { userId: admin.userId, scope: 'organization' })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(lastAdmin),
    });

    const second = await createUser(admin, {
      email: 'root2@example.com',
      name: 'Second Admin',
      organizationAdmin: true,
    });
    const secondActor = (await loadActor(getDb(), second.id, 'password'))!;
    expect(secondActor.isOrgAdmin).toBe(true);
    // The second admin disables the first; then the second is the last and may not be demoted.
    await setUserDisabled(secondActor, admin.userId, true);
    await expect(
      grantRole(secondActor, { userId: second.id, scope: 'organization', role: 'USER' }),
    ).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(lastAdmin) });
    // A disabled admin does not count: the second may not be disabled by anyone either.
    await setUserDisabled(secondActor, admin.userId, false);
    await revokeRole(admin, { userId: second.id, scope: 'organization' });
    expect((await loadActor(getDb(), second.id, 'password'))!.isOrgAdmin).toBe(false);
  });

  it.runIf(isPostgres())(
    'two admins disabling each other at the same moment: exactly one succeeds',
    async () => {
      const admin = await actorFor('admin@example.com');
      const second = await createUser(admin, {
        email: 'root3@example.com',
        name: 'Third Admin',
        organizationAdmin: true,
      });
      const secondActor = (await loadActor(getDb(), second.id, 'password'))!;
      const results = await Promise.allSettled([
        setUserDisabled(admin, second.id, true),
        setUserDisabled(secondActor, admin.userId, true),
      ]);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const admins = await Promise.all([
        loadActor(getDb(), admin.userId, 'password'),
        loadActor(getDb(), second.id, 'password'),
      ]);
      const survivor = admins.find((actor) => actor?.isOrgAdmin);
      expect(admins.filter((actor) => actor?.isOrgAdmin)).toHaveLength(1);
      // Put the loser back for the tests that follow.
      await setUserDisabled(survivor!, survivor!.userId === admin.userId ? second.id : admin.userId, false);
    },
  );

  it('lists users by name, searchable, a page at a time, with their roles in brief', async () => {
    const admin = await actorFor('admin@example.com');
    const first = await listUsers(admin, { limit: 3 });
    expect(first.items.map((user) => user.name)).toEqual(['Ada Admin', 'Alice Publisher', 'Bob Approver']);
    const second = await listUsers(admin, { limit: 3, cursor: first.nextCursor });
    expect(second.items[0]!.name).toBe('Carol Approver');
    const everyone = [...first.items, ...second.items];
    expect(new Set(everyone.map((user) => user.id)).size).toBe(everyone.length);
    expect((await listUsers(admin, { q: 'CAROL' })).items.map((user) => user.email)).toEqual([
      'carol@example.com',
    ]);
    // Wildcards are text: nobody's name has a % in it.
    expect((await listUsers(admin, { q: '%' })).items).toEqual([]);
    const bob = (await listUsers(admin, { q: 'bob@' })).items[0]!;
    expect(bob).toMatchObject({ status: 'active', organizationRole: 'USER' });
    expect(bob.environmentRoles).toEqual([{ environment: 'QA', role: 'APPROVER', via: null }]);
  });
});

describe('groups, administered', () => {
  it('a group’s environment role counts for its members, and stops counting when a member leaves', async () => {
    const admin = await actorFor('admin@example.com');
    const qa = await environmentId('qa');
    const erin = await userIdOf('erin@example.com');
    const group = await createGroup(admin, {
      environment: 'qa',
      name: 'QA approvers',
      environmentRole: 'APPROVER',
    });
    expect((await actorFor('erin@example.com')).environmentRoles.get(qa)).toBeUndefined();

    await expect(addGroupMember(admin, group!.id, { email: 'nobody@example.com' })).rejects.toMatchObject({
      fieldErrors: { email: ['No such user'] },
    });
    await addGroupMember(admin, group!.id, { email: ' Erin@Example.com' });
    await expect(addGroupMember(admin, group!.id, { userId: erin })).rejects.toMatchObject({
      code: 'conflict',
    });
    const member = await actorFor('erin@example.com');
    expect(member.environmentRoles.get(qa)).toBe('APPROVER');
    // Which means QA's tasks: a request from DEV into QA is erin's to decide.
    const alice = await actorFor('alice@example.com');
    const payments = await apiNamed('dev', 'Payments');
    const promotion = await requestPromotion(alice, { apiId: payments.id, target: 'qa' });
    expect((await listTasks(member)).items.map((task) => task.id)).toContain(promotion.id);

    await removeGroupMember(admin, group!.id, erin);
    const former = await actorFor('erin@example.com');
    expect(former.environmentRoles.get(qa)).toBeUndefined();
    expect((await listTasks(former)).items).toEqual([]);
  });

  it('the strongest of a user’s own and their groups’ roles counts; changing the group’s role changes theirs', async () => {
    const admin = await actorFor('admin@example.com');
    const qa = await environmentId('qa');
    const group = await createGroup(admin, {
      environment: 'qa',
      name: 'QA maintainers',
      environmentRole: 'MAINTAINER',
    });
    await addGroupMember(admin, group!.id, { userId: await userIdOf('dave@example.com') });
    expect((await actorFor('dave@example.com')).environmentRoles.get(qa)).toBe('MAINTAINER'); // over PUBLISHER
    await addGroupMember(admin, group!.id, { userId: await userIdOf('bob@example.com') });
    expect((await actorFor('bob@example.com')).environmentRoles.get(qa)).toBe('APPROVER'); // kept
    await updateGroup(admin, group!.id, { environmentRole: null });
    expect((await actorFor('dave@example.com')).environmentRoles.get(qa)).toBe('PUBLISHER');
    await expect(updateGroup(admin, group!.id, { environmentRole: null })).rejects.toMatchObject({
      code: 'no_changes',
    });
    await expect(createGroup(admin, { environment: 'qa', name: 'QA maintainers' })).rejects.toMatchObject({
      fieldErrors: { name: ['This environment already has a group named QA maintainers'] },
    });
    await expect(
      createGroup(admin, { environment: 'nowhere', name: 'X', environmentRole: 'GOD' as never }),
    ).rejects.toMatchObject({ fieldErrors: { environmentRole: expect.any(Array) } });
  });

  it('a group used by an approval policy or attached to APIs cannot be deleted; otherwise it goes with its members', async () => {
    const admin = await actorFor('admin@example.com');
    const group = await createGroup(admin, { environment: 'qa', name: 'QA reviewers' });
    await addGroupMember(admin, group!.id, { userId: await userIdOf('dave@example.com') });
    await updateApprovalPolicy(admin, 'qa', {
      approvalsRequired: 1,
      rules: [{ kind: 'group', groupId: group!.id, count: 1 }],
    });
    await expect(deleteGroup(admin, group!.id)).rejects.toMatchObject({
      code: 'conflict',
      message:
        'QA reviewers cannot be deleted: the approval policy of QA asks for its approvals. Change the policy first.',
    });
    await updateApprovalPolicy(admin, 'qa', { approvalsRequired: 1, rules: [] });

    const payments = await apiNamed('qa', 'Payments');
    await getDb().insert(apiGroups).values({ apiId: payments.id, groupId: group!.id });
    await expect(deleteGroup(admin, group!.id)).rejects.toMatchObject({
      message: expect.stringMatching(/^QA reviewers cannot be deleted: it is a member of 1 API,/),
    });
    await getDb().delete(apiGroups).where(eq(apiGroups.groupId, group!.id));

    const since = await lastAuditSeq();
    await deleteGroup(admin, group!.id);
    expect((await auditEventsSince(since)).map((event) => [event.action, event.changes])).toEqual([
      [
        'group.deleted',
        {
          before: {
            name: 'QA reviewers',
            environment: 'qa',
            environmentRole: null,
            identityProviderGroups: [],
            members: 1,
          },
          after: null,
        },
      ],
    ]);
    await expect(deleteGroup(admin, group!.id)).rejects.toMatchObject({ code: 'not_found' });
  });
});
