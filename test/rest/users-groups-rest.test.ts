import { beforeAll, describe, expect, it } from 'vitest';

import * as environmentsRoute from '@/app/api/v1/environments/route';
import * as groupMemberRoute from '@/app/api/v1/groups/[group]/members/[user]/route';
import * as groupMembersRoute from '@/app/api/v1/groups/[group]/members/route';
import * as groupRoute from '@/app/api/v1/groups/[group]/route';
import * as groupsRoute from '@/app/api/v1/groups/route';
import * as tokenRoute from '@/app/api/v1/tokens/[token]/route';
import * as passwordResetRoute from '@/app/api/v1/users/[user]/password-reset/route';
import * as environmentRoleRoute from '@/app/api/v1/users/[user]/roles/environments/[env]/route';
import * as organizationRoleRoute from '@/app/api/v1/users/[user]/roles/organization/route';
import * as userRoute from '@/app/api/v1/users/[user]/route';
import * as sessionsRoute from '@/app/api/v1/users/[user]/sessions/route';
import * as usersRoute from '@/app/api/v1/users/route';
import { getDb } from '@/db';
import { loadActor } from '@/lib/auth/actor';
import { createApiToken } from '@/lib/tokens/create-api-token';
import { actorFor, userIdOf } from '@/test/fixtures';

import { call, expectConforms, tokenFor } from './harness';

let admin = '';

beforeAll(async () => {
  admin = await tokenFor('admin@example.com');
});

describe('administering users and groups over REST', () => {
  it('creates a user, gives them a role through a group, resets, disables; every answer as documented', async () => {
    const created = await call(usersRoute.POST, {
      method: 'POST',
      path: '/users',
      token: admin,
      body: { email: 'heidi@example.com', name: 'Heidi Lamarr' },
    });
    expect(created).toMatchObject({ status: 201, body: { email: 'heidi@example.com' } });
    expectConforms('/users', 'post', created);
    const heidi = (created.body as { id: string; oneTimePassword: string }).id;
    expect((created.body as { oneTimePassword: string }).oneTimePassword).toHaveLength(23);

    const invalid = await call(usersRoute.POST, {
      method: 'POST',
      path: '/users',
      token: admin,
      body: { email: 'heidi@example.com', name: '' },
    });
    expect(invalid.status).toBe(400);
    expectConforms('/users', 'post', invalid);

    const group = await call(groupsRoute.POST, {
      method: 'POST',
      path: '/groups',
      token: admin,
      body: { environment: 'qa', name: 'QA release', environmentRole: 'APPROVER' },
    });
    expect(group).toMatchObject({ status: 201, body: { environment: 'qa', environmentRole: 'APPROVER' } });
    expectConforms('/groups', 'post', group);
    const groupId = (group.body as { id: string }).id;

    const added = await call(groupMembersRoute.POST, {
      method: 'POST',
      path: `/groups/${groupId}/members`,
      params: { group: groupId },
      token: admin,
      body: { userId: heidi },
    });
    expect(added).toMatchObject({ status: 201, body: { members: [{ userId: heidi, apiRole: 'USER' }] } });
    expectConforms('/groups/{group}/members', 'post', added);

    const renamed = await call(groupRoute.PATCH, {
      method: 'PATCH',
      path: `/groups/${groupId}`,
      params: { group: groupId },
      token: admin,
      body: { name: 'QA releasers' },
    });
    expect(renamed).toMatchObject({ status: 200, body: { name: 'QA releasers' } });
    expectConforms('/groups/{group}', 'patch', renamed);

    const list = await call(groupsRoute.GET, { path: '/groups', token: admin });
    expectConforms('/groups', 'get', list);
    expect((list.body as { items: { name: string }[] }).items.map((item) => item.name)).toContain(
      'QA releasers',
    );

    const granted = await call(environmentRoleRoute.PUT, {
      method: 'PUT',
      path: `/users/${heidi}/roles/environments/dev`,
      params: { user: heidi, env: 'dev' },
      token: admin,
      body: { role: 'PUBLISHER' },
    });
    expect(granted).toMatchObject({ status: 200, body: { role: 'PUBLISHER', previousRole: null } });
    expectConforms('/users/{user}/roles/environments/{env}', 'put', granted);
    const unknownRole = await call(environmentRoleRoute.PUT, {
      method: 'PUT',
      path: `/users/${heidi}/roles/environments/dev`,
      params: { user: heidi, env: 'dev' },
      token: admin,
      body: { role: 'WIZARD' },
    });
    expect(unknownRole.status).toBe(400);

    const user = await call(userRoute.GET, {
      path: `/users/${heidi}`,
      params: { user: heidi },
      token: admin,
    });
    expectConforms('/users/{user}', 'get', user);
    expect(user.body).toMatchObject({
      status: 'active',
      mustChangePassword: true,
      environmentRoles: [{ environment: 'dev', role: 'PUBLISHER' }],
      groups: [{ name: 'QA releasers', environment: 'QA', environmentRole: 'APPROVER' }],
    });

    const listed = await call(usersRoute.GET, { path: '/users?q=heidi', token: admin });
    expectConforms('/users', 'get', listed);
    expect((listed.body as { items: unknown[] }).items).toEqual([
      expect.objectContaining({
        email: 'heidi@example.com',
        environmentRoles: [
          { environment: 'DEV', role: 'PUBLISHER', via: null },
          { environment: 'QA', role: 'APPROVER', via: 'QA releasers' },
        ],
      }),
    ]);

    const reset = await call(passwordResetRoute.POST, {
      method: 'POST',
      path: `/users/${heidi}/password-reset`,
      params: { user: heidi },
      token: admin,
    });
    expect(reset.status).toBe(200);
    expectConforms('/users/{user}/password-reset', 'post', reset);

    const signedOut = await call(sessionsRoute.DELETE, {
      method: 'DELETE',
      path: `/users/${heidi}/sessions`,
      params: { user: heidi },
      token: admin,
    });
    expect(signedOut.status).toBe(204);

    // Heidi's token works until she is disabled; an admin may revoke it too.
    const heidiToken = await createApiToken((await loadActor(getDb(), heidi, 'password'))!, { name: 'ci' });
    expect(
      (await call(environmentsRoute.GET, { path: '/environments', token: heidiToken.token })).status,
    ).toBe(200);
    const disabled = await call(userRoute.PATCH, {
      method: 'PATCH',
      path: `/users/${heidi}`,
      params: { user: heidi },
      token: admin,
      body: { disabled: true },
    });
    expect(disabled).toMatchObject({ status: 200, body: { status: 'disabled' } });
    expectConforms('/users/{user}', 'patch', disabled);
    expect(
      (await call(environmentsRoute.GET, { path: '/environments', token: heidiToken.token })).status,
    ).toBe(401);
    const revoked = await call(tokenRoute.DELETE, {
      method: 'DELETE',
      path: `/tokens/${heidiToken.apiToken.id}`,
      params: { token: heidiToken.apiToken.id },
      token: admin,
    });
    expect(revoked.status).toBe(204);

    const removed = await call(groupMemberRoute.DELETE, {
      method: 'DELETE',
      path: `/groups/${groupId}/members/${heidi}`,
      params: { group: groupId, user: heidi },
      token: admin,
    });
    expect(removed.status).toBe(204);
    const revokedRole = await call(environmentRoleRoute.DELETE, {
      method: 'DELETE',
      path: `/users/${heidi}/roles/environments/dev`,
      params: { user: heidi, env: 'dev' },
      token: admin,
    });
    expect(revokedRole.status).toBe(204);
    const deleted = await call(groupRoute.DELETE, {
      method: 'DELETE',
      path: `/groups/${groupId}`,
      params: { group: groupId },
      token: admin,
    });
    expect(deleted.status).toBe(204);
  });

  it('refuses what would leave no organization admin, and yourself, with 409 as documented', async () => {
    const adminId = await userIdOf('admin@example.com');
    const demoted = await call(organizationRoleRoute.PUT, {
      method: 'PUT',
      path: `/users/${adminId}/roles/organization`,
      params: { user: adminId },
      token: admin,
      body: { role: 'USER' },
    });
    expect(demoted).toMatchObject({
      status: 409,
      body: { detail: expect.stringMatching(/last organization admin/) },
    });
    expectConforms('/users/{user}/roles/organization', 'put', demoted);
    const self = await call(userRoute.PATCH, {
      method: 'PATCH',
      path: `/users/${adminId}`,
      params: { user: adminId },
      token: admin,
      body: { disabled: true },
    });
    expect(self).toMatchObject({ status: 409, body: { detail: 'You cannot disable yourself.' } });
    expectConforms('/users/{user}', 'patch', self);
    expect((await actorFor('admin@example.com')).isOrgAdmin).toBe(true);
  });
});
