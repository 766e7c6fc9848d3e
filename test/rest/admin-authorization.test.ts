import { beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * Issue 9, done-when 1: every administration read and write, through its three faces — the domain
 * function, the console's server action and the REST route — as each demo user. Only the organization
 * admin is let in; everyone else is told there is nothing (404) and each refusal leaves exactly one
 * `denied` audit event. The server actions run for real (formAction → authenticate → the session in
 * the database → the domain); only the cookie jar is stood in for, by naming the session.
 */
const signedIn = vi.hoisted(() => ({ session: null as null | { userId: string; sessionId: string } }));
vi.mock('@/lib/auth/auth', () => ({
  auth: async () => signedIn.session,
  signIn: async () => undefined,
  signOut: async () => undefined,
}));
vi.mock('next/headers', () => ({
  headers: async () => new Headers({ 'user-agent': 'vitest', 'x-request-id': 'authz-table' }),
}));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined, refresh: () => undefined }));

import * as environmentsActions from '@/app/(console)/admin/environments/actions';
import * as groupsActions from '@/app/(console)/admin/groups/actions';
import * as usersActions from '@/app/(console)/admin/users/actions';
import * as environmentRoute from '@/app/api/v1/environments/[env]/route';
import * as environmentsRoute from '@/app/api/v1/environments/route';
import * as groupMemberRoute from '@/app/api/v1/groups/[group]/members/[user]/route';
import * as groupMembersRoute from '@/app/api/v1/groups/[group]/members/route';
import * as groupRoute from '@/app/api/v1/groups/[group]/route';
import * as groupsRoute from '@/app/api/v1/groups/route';
import * as lifecycleRoute from '@/app/api/v1/installations/[installation]/lifecycle/route';
import * as installationRoute from '@/app/api/v1/installations/[installation]/route';
import * as installationsRoute from '@/app/api/v1/installations/route';
import * as tokenRoute from '@/app/api/v1/tokens/[token]/route';
import * as passwordResetRoute from '@/app/api/v1/users/[user]/password-reset/route';
import * as environmentRoleRoute from '@/app/api/v1/users/[user]/roles/environments/[env]/route';
import * as organizationRoleRoute from '@/app/api/v1/users/[user]/roles/organization/route';
import * as userRoute from '@/app/api/v1/users/[user]/route';
import * as sessionsRoute from '@/app/api/v1/users/[user]/sessions/route';
import * as usersRoute from '@/app/api/v1/users/route';
import { getDb } from '@/db';
import type { FormState } from '@/lib/actions/form-state';
import type { Actor } from '@/lib/auth/actor';
import { signOutEverywhere, startSession } from '@/lib/auth/sessions';
import { createEnvironment } from '@/lib/environments/create-environment';
import { deleteEnvironment } from '@/lib/environments/delete-environment';
import { createInstallation, renameInstallation } from '@/lib/environments/installation-writes';
import { listInstallations } from '@/lib/environments/queries';
import { reorderEnvironments } from '@/lib/environments/reorder-environments';
import {
  addGroupMember,
  createGroup,
  deleteGroup,
  removeGroupMember,
  updateGroup,
} from '@/lib/groups/group-writes';
import { getGroupForAdmin, listGroups } from '@/lib/groups/queries';
import { grantRole } from '@/lib/roles/grant-role';
import { revokeRole } from '@/lib/roles/revoke-role';
import { createApiToken } from '@/lib/tokens/create-api-token';
import { revokeApiToken } from '@/lib/tokens/revoke-api-token';
import { getUserForAdmin, listUsers } from '@/lib/users/queries';
import { createUser, resetUserPassword, setUserDisabled } from '@/lib/users/user-writes';
import { actorFor, auditEventsSince, lastAuditSeq } from '@/test/fixtures';

import { call, tokenFor } from './harness';

type ServerAction = (previous: FormState, formData: FormData) => Promise<FormState>;
type Face =
  | { face: 'domain'; run: (actor: Actor) => Promise<unknown> }
  | { face: 'server action'; action: ServerAction; form: Record<string, string> }
  | {
      face: 'REST';
      handler: unknown;
      method: string;
      path: string;
      params: Record<string, string>;
      body?: unknown;
    };
type Row = { name: string; audited: string; faces: Face[] };

const nonAdmins = ['alice', 'bob', 'carol', 'dave', 'grace', 'erin', 'frank'].map(
  (name) => `${name}@example.com`,
);

let rows: Row[] = [];

beforeAll(async () => {
  const admin = await actorFor('admin@example.com');
  // The user acted on is none of those acting (a user may sign themselves out and revoke their own tokens).
  const target = await createUser(admin, { email: 'target@example.com', name: 'Target User' });
  await grantRole(admin, { userId: target.id, scope: 'environment', environment: 'dev', role: 'USER' });
  const targetId = target.id;
  const group = (await createGroup(admin, { environment: 'qa', name: 'Table group' }))!;
  await addGroupMember(admin, group.id, { userId: targetId });
  const { apiToken } = await createApiToken(await actorFor('target@example.com'), { name: 'target-ci' });
  const user = { user: targetId };
  const grp = { group: group.id };

  rows = [
    // Reads
    {
      name: 'list users',
      audited: 'admin.viewed',
      faces: [
        { face: 'domain', run: (actor) => listUsers(actor) },
        { face: 'REST', handler: usersRoute.GET, method: 'GET', path: '/users', params: {} },
      ],
    },
    {
      name: 'a user',
      audited: 'admin.viewed',
      faces: [
        { face: 'domain', run: (actor) => getUserForAdmin(actor, targetId) },
        { face: 'REST', handler: userRoute.GET, method: 'GET', path: `/users/${targetId}`, params: user },
      ],
    },
    {
      name: 'list groups',
      audited: 'admin.viewed',
      faces: [
        { face: 'domain', run: (actor) => listGroups(actor) },
        { face: 'REST', handler: groupsRoute.GET, method: 'GET', path: '/groups', params: {} },
      ],
    },
    {
      name: 'a group',
      audited: 'admin.viewed',
      faces: [
        { face: 'domain', run: (actor) => getGroupForAdmin(actor, group.id) },
        { face: 'REST', handler: groupRoute.GET, method: 'GET', path: `/groups/${group.id}`, params: grp },
      ],
    },
    {
      name: 'installations and their environments',
      audited: 'admin.viewed',
      faces: [{ face: 'domain', run: (actor) => listInstallations(actor) }],
    },
    // Users
    {
      name: 'create a user',
      audited: 'user.created',
      faces: [
        { face: 'domain', run: (actor) => createUser(actor, { email: 'x@example.com', name: 'X' }) },
        {
          face: 'server action',
          action: usersActions.createUserAction,
          form: { email: 'x@example.com', name: 'X' },
        },
        {
          face: 'REST',
          handler: usersRoute.POST,
          method: 'POST',
          path: '/users',
          params: {},
          body: { email: 'x@example.com', name: 'X' },
        },
      ],
    },
    {
      name: 'disable a user',
      audited: 'user.disabled',
      faces: [
        { face: 'domain', run: (actor) => setUserDisabled(actor, targetId, true) },
        {
          face: 'server action',
          action: usersActions.setUserDisabledAction,
          form: { userId: targetId, disabled: 'true' },
        },
        {
          face: 'REST',
          handler: userRoute.PATCH,
          method: 'PATCH',
          path: `/users/${targetId}`,
          params: user,
          body: { disabled: true },
        },
      ],
    },
    {
      name: 'reset a password',
      audited: 'user.password_reset',
      faces: [
        { face: 'domain', run: (actor) => resetUserPassword(actor, targetId) },
        { face: 'server action', action: usersActions.resetPasswordAction, form: { userId: targetId } },
        {
          face: 'REST',
          handler: passwordResetRoute.POST,
          method: 'POST',
          path: `/users/${targetId}/password-reset`,
          params: user,
        },
      ],
    },
    {
      name: 'sign someone out everywhere',
      audited: 'auth.sessions_ended',
      faces: [
        { face: 'domain', run: (actor) => signOutEverywhere(actor, targetId) },
        { face: 'server action', action: usersActions.signOutEverywhereAction, form: { userId: targetId } },
        {
          face: 'REST',
          handler: sessionsRoute.DELETE,
          method: 'DELETE',
          path: `/users/${targetId}/sessions`,
          params: user,
        },
      ],
    },
    {
      name: 'make someone an organization admin',
      audited: 'role.granted',
      faces: [
        {
          face: 'domain',
          run: (actor) => grantRole(actor, { userId: targetId, scope: 'organization', role: 'ADMIN' }),
        },
        {
          face: 'server action',
          action: usersActions.setOrganizationRoleAction,
          form: { userId: targetId, role: 'ADMIN' },
        },
        {
          face: 'REST',
          handler: organizationRoleRoute.PUT,
          method: 'PUT',
          path: `/users/${targetId}/roles/organization`,
          params: user,
          body: { role: 'ADMIN' },
        },
      ],
    },
    {
      name: 'grant an environment role',
      audited: 'role.granted',
      faces: [
        {
          face: 'domain',
          run: (actor) =>
            grantRole(actor, { userId: targetId, scope: 'environment', environment: 'prod', role: 'ADMIN' }),
        },
        {
          face: 'server action',
          action: usersActions.grantEnvironmentRoleAction,
          form: { userId: targetId, environment: 'prod', role: 'ADMIN' },
        },
        {
          face: 'REST',
          handler: environmentRoleRoute.PUT,
          method: 'PUT',
          path: `/users/${targetId}/roles/environments/prod`,
          params: { ...user, env: 'prod' },
          body: { role: 'ADMIN' },
        },
      ],
    },
    {
      name: 'revoke an environment role',
      audited: 'role.revoked',
      faces: [
        {
          face: 'domain',
          run: (actor) => revokeRole(actor, { userId: targetId, scope: 'environment', environment: 'dev' }),
        },
        {
          face: 'server action',
          action: usersActions.revokeEnvironmentRoleAction,
          form: { userId: targetId, environment: 'dev' },
        },
        {
          face: 'REST',
          handler: environmentRoleRoute.DELETE,
          method: 'DELETE',
          path: `/users/${targetId}/roles/environments/dev`,
          params: { ...user, env: 'dev' },
        },
      ],
    },
    {
      name: 'revoke someone else’s token',
      audited: 'token.revoked',
      faces: [
        { face: 'domain', run: (actor) => revokeApiToken(actor, apiToken.id) },
        { face: 'server action', action: usersActions.revokeTokenAction, form: { tokenId: apiToken.id } },
        {
          face: 'REST',
          handler: tokenRoute.DELETE,
          method: 'DELETE',
          path: `/tokens/${apiToken.id}`,
          params: { token: apiToken.id },
        },
      ],
    },
    // Groups
    {
      name: 'create a group',
      audited: 'group.created',
      faces: [
        { face: 'domain', run: (actor) => createGroup(actor, { environment: 'prod', name: 'Mine' }) },
        {
          face: 'server action',
          action: groupsActions.createGroupAction,
          form: { environment: 'prod', name: 'Mine' },
        },
        {
          face: 'REST',
          handler: groupsRoute.POST,
          method: 'POST',
          path: '/groups',
          params: {},
          body: { environment: 'prod', name: 'Mine' },
        },
      ],
    },
    {
      name: 'change a group',
      audited: 'group.updated',
      faces: [
        { face: 'domain', run: (actor) => updateGroup(actor, group.id, { environmentRole: 'ADMIN' }) },
        {
          face: 'server action',
          action: groupsActions.updateGroupAction,
          form: { groupId: group.id, name: 'Table group', environmentRole: 'ADMIN' },
        },
        {
          face: 'REST',
          handler: groupRoute.PATCH,
          method: 'PATCH',
          path: `/groups/${group.id}`,
          params: grp,
          body: { environmentRole: 'ADMIN' },
        },
      ],
    },
    {
      name: 'delete a group',
      audited: 'group.deleted',
      faces: [
        { face: 'domain', run: (actor) => deleteGroup(actor, group.id) },
        { face: 'server action', action: groupsActions.deleteGroupAction, form: { groupId: group.id } },
        {
          face: 'REST',
          handler: groupRoute.DELETE,
          method: 'DELETE',
          path: `/groups/${group.id}`,
          params: grp,
        },
      ],
    },
    {
      name: 'add a group member',
      audited: 'group.member_added',
      faces: [
        { face: 'domain', run: (actor) => addGroupMember(actor, group.id, { email: 'frank@example.com' }) },
        {
          face: 'server action',
          action: groupsActions.addGroupMemberAction,
          form: { groupId: group.id, email: 'frank@example.com', apiRole: 'USER' },
        },
        {
          face: 'REST',
          handler: groupMembersRoute.POST,
          method: 'POST',
          path: `/groups/${group.id}/members`,
          params: grp,
          body: { email: 'frank@example.com' },
        },
      ],
    },
    {
      name: 'remove a group member',
      audited: 'group.member_removed',
      faces: [
        { face: 'domain', run: (actor) => removeGroupMember(actor, group.id, targetId) },
        {
          face: 'server action',
          action: groupsActions.removeGroupMemberAction,
          form: { groupId: group.id, userId: targetId },
        },
        {
          face: 'REST',
          handler: groupMemberRoute.DELETE,
          method: 'DELETE',
          path: `/groups/${group.id}/members/${targetId}`,
          params: { ...grp, user: targetId },
        },
      ],
    },
    // Environments and installations
    {
      name: 'create an installation',
      audited: 'installation.created',
      faces: [
        { face: 'domain', run: (actor) => createInstallation(actor, { key: 'edge', name: 'Edge' }) },
        {
          face: 'server action',
          action: environmentsActions.createInstallationAction,
          form: { key: 'edge', name: 'Edge' },
        },
        {
          face: 'REST',
          handler: installationsRoute.POST,
          method: 'POST',
          path: '/installations',
          params: {},
          body: { key: 'edge', name: 'Edge' },
        },
      ],
    },
    {
      name: 'rename an installation',
      audited: 'installation.updated',
      faces: [
        { face: 'domain', run: (actor) => renameInstallation(actor, { key: 'development', name: 'Dev' }) },
        {
          face: 'server action',
          action: environmentsActions.renameInstallationAction,
          form: { key: 'development', name: 'Dev' },
        },
        {
          face: 'REST',
          handler: installationRoute.PATCH,
          method: 'PATCH',
          path: '/installations/development',
          params: { installation: 'development' },
          body: { name: 'Dev' },
        },
      ],
    },
    {
      name: 'create an environment',
      audited: 'environment.created',
      faces: [
        {
          face: 'domain',
          run: (actor) =>
            createEnvironment(actor, { key: 'perf', name: 'PERF', installation: 'development' }),
        },
        {
          face: 'server action',
          action: environmentsActions.createEnvironmentAction,
          form: { key: 'perf', name: 'PERF', installation: 'development' },
        },
        {
          face: 'REST',
          handler: environmentsRoute.POST,
          method: 'POST',
          path: '/environments',
          params: {},
          body: { key: 'perf', name: 'PERF', installation: 'development' },
        },
      ],
    },
    {
      name: 'reorder a lifecycle',
      audited: 'installation.lifecycle_reordered',
      faces: [
        {
          face: 'domain',
          run: (actor) =>
            reorderEnvironments(actor, { installation: 'development', environments: ['qa', 'dev'] }),
        },
        {
          face: 'server action',
          action: environmentsActions.reorderEnvironmentsAction,
          form: { installation: 'development', environments: 'qa,dev' },
        },
        {
          face: 'REST',
          handler: lifecycleRoute.PUT,
          method: 'PUT',
          path: '/installations/development/lifecycle',
          params: { installation: 'development' },
          body: { environments: ['qa', 'dev'] },
        },
      ],
    },
    {
      name: 'delete an environment',
      audited: 'environment.deleted',
      faces: [
        { face: 'domain', run: (actor) => deleteEnvironment(actor, 'qa') },
        { face: 'server action', action: environmentsActions.deleteEnvironmentAction, form: { key: 'qa' } },
        {
          face: 'REST',
          handler: environmentRoute.DELETE,
          method: 'DELETE',
          path: '/environments/qa',
          params: { env: 'qa' },
        },
      ],
    },
  ];
});

/** Runs one face as this user; resolves to how it was refused ('404') or 'allowed'. */
async function attempt(face: Face, who: { actor: Actor; token: string; sessionId: string }): Promise<string> {
  if (face.face === 'domain') {
    try {
      await face.run(who.actor);
      return 'allowed';
    } catch (error) {
      return (error as { code?: string }).code === 'not_found' ? '404' : `refused: ${String(error)}`;
    }
  }
  if (face.face === 'server action') {
    signedIn.session = { userId: who.actor.userId, sessionId: who.sessionId };
    const form = new FormData();
    for (const [name, value] of Object.entries(face.form)) form.set(name, value);
    const state = await face.action({ status: 'idle' }, form);
    return state.status === 'error' && state.message === 'Not found.'
      ? '404'
      : `${state.status}: ${state.message}`;
  }
  const response = await call(face.handler, {
    method: face.method,
    path: face.path,
    params: face.params,
    token: who.token,
    body: face.body,
  });
  return response.status === 404 ? '404' : `${response.status}`;
}

describe('administration: only the organization admin, through every face', () => {
  it('answers 404 to every other demo user, with one denied audit event per attempt, and changes nothing', async () => {
    const before = await listInstallations(await actorFor('admin@example.com'));
    let attempts = 0;
    for (const email of nonAdmins) {
      const actor = await actorFor(email);
      const who = {
        actor,
        token: await tokenFor(email),
        sessionId: await startSession(getDb(), actor.userId, 'password', actor.context),
      };
      for (const row of rows) {
        for (const face of row.faces) {
          const since = await lastAuditSeq();
          const label = `${row.name} via ${face.face} as ${email}`;
          expect(await attempt(face, who), label).toBe('404');
          const events = await auditEventsSince(since);
          expect(
            events.map((event) => [event.action, event.outcome, event.actorId]),
            label,
          ).toEqual([[row.audited, 'denied', actor.userId]]);
          attempts++;
        }
      }
    }
    expect(attempts).toBe(nonAdmins.length * rows.flatMap((row) => row.faces).length);
    expect(attempts).toBeGreaterThan(400);
    // Nothing was changed by any of it.
    expect(await listInstallations(await actorFor('admin@example.com'))).toEqual(before);
    expect(await actorFor('target@example.com')).toMatchObject({ isOrgAdmin: false });
  });

  it('lets the organization admin read through every face', async () => {
    const admin = await actorFor('admin@example.com');
    const who = {
      actor: admin,
      token: await tokenFor('admin@example.com'),
      sessionId: await startSession(getDb(), admin.userId, 'password', admin.context),
    };
    for (const row of rows.filter((candidate) => candidate.audited === 'admin.viewed')) {
      for (const face of row.faces)
        expect(await attempt(face, who), `${row.name} via ${face.face}`).toMatch(/^(allowed|200)$/);
    }
  });
});
