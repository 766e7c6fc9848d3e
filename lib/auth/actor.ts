import 'server-only';

import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm';

import type { Queryable } from '@/db';
import { AppError } from '@/lib/errors';
import { apiGroups, apis, groupMembers, groups, roleBindings, users } from '@/db/schema';

import {
  apiPermissionsFromEnvironmentRole,
  apiRolePermissions,
  environmentRolePermissions,
  isRole,
  strongerEnvironmentRole,
  type ApiPermission,
  type ApiRole,
  type EnvironmentPermission,
  type EnvironmentRole,
  type OrganizationPermission,
} from './permissions';

/** Where a request came from: recorded with every audit event it causes. */
export type RequestContext = { ip: string | null; userAgent: string | null; requestId: string | null };

/** `job`: a background job acting on behalf of the user who decided (e.g. a queued promotion apply). */
/**
 * How the actor came to act: signed in (`password`, `oidc`), with an API token, as the decider of a
 * job's work (`job`), or `delegated`: a requester's own act done when someone else decided (a move
 * archiving its source when approved).
 */
export type AuthMethod = 'password' | 'oidc' | 'token' | 'job' | 'delegated';

/**
 * Who is acting, with the roles they hold right now. Built from the database on every request (never
 * from the session cookie), so a revoked role takes effect at once.
 */
export type Actor = {
  userId: string;
  email: string;
  name: string;
  authMethod: AuthMethod;
  isOrgAdmin: boolean;
  environmentRoles: ReadonlyMap<string, EnvironmentRole>;
  /** API id → the API's environment and the roles held on it, directly or through a group. */
  apiRoles: ReadonlyMap<string, { environmentId: string; roles: ApiRole[] }>;
  context: RequestContext;
  /** The API token the request authenticated with (authMethod 'token'), so audit events can name it. */
  token?: { id: string; name: string };
  /** The server-side session the request's cookie names (signed-in users). */
  sessionId?: string;
  /** Signed in with a one-time password: nothing but choosing a new one until they do. */
  mustChangePassword?: true;
};

export const noRequestContext: RequestContext = { ip: null, userAgent: null, requestId: null };

/** Loads a user's current roles; null when the user does not exist or is disabled. */
export async function loadActor(
  db: Queryable,
  userId: string,
  authMethod: AuthMethod,
  context: RequestContext = noRequestContext,
  sessionId?: string,
): Promise<Actor | null> {
  const [[user], roles] = await Promise.all([
    db
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        mustChangePassword: users.mustChangePassword,
      })
      .from(users)
      .where(and(eq(users.id, userId), isNull(users.disabledAt))),
    loadRoles(db, [userId]),
  ]);
  if (!user) return null;
  return {
    userId: user.id,
    email: user.email,
    name: user.name,
    authMethod,
    ...roles.get(userId)!,
    context,
    ...(sessionId ? { sessionId } : {}),
    ...(user.mustChangePassword ? { mustChangePassword: true } : {}),
  };
}

/**
 * The roles these users hold now: their own bindings, plus what their groups give them — a group's
 * environment role in its environment and its members' API role on the group's APIs. Where a user
 * holds several environment roles in one environment (their own and a group's), the strongest counts.
 */
export async function loadRoles(db: Queryable, userIds: string[]): Promise<Map<string, Roles>> {
  const roles = new Map<string, Roles & { environmentRoles: Map<string, EnvironmentRole> }>(
    userIds.map((userId) => [
      userId,
      { isOrgAdmin: false, environmentRoles: new Map(), apiRoles: new Map() },
    ]),
  );
  if (userIds.length === 0) return roles;
  const [bindings, groupEnvironmentRoles, groupApiRoles] = await Promise.all([
    db
      .select({
        userId: roleBindings.userId,
        scope: roleBindings.scope,
        role: roleBindings.role,
        environmentId: roleBindings.environmentId,
        apiId: roleBindings.apiId,
      })
      .from(roleBindings)
      .where(inArray(roleBindings.userId, userIds)),
    db
      .select({
        userId: groupMembers.userId,
        environmentId: groups.environmentId,
        role: groups.environmentRole,
      })
      .from(groupMembers)
      .innerJoin(groups, eq(groups.id, groupMembers.groupId))
      .where(and(inArray(groupMembers.userId, userIds), isNotNull(groups.environmentRole))),
    db
      .select({
        userId: groupMembers.userId,
        apiId: apiGroups.apiId,
        environmentId: apis.environmentId,
        role: groupMembers.apiRole,
      })
      .from(groupMembers)
      .innerJoin(apiGroups, eq(apiGroups.groupId, groupMembers.groupId))
      .innerJoin(apis, eq(apis.id, apiGroups.apiId))
      .where(inArray(groupMembers.userId, userIds)),
  ]);

  const addEnvironmentRole = (userId: string, environmentId: string, role: string | null) => {
    if (!role || !isRole('environment', role)) return;
    const held = roles.get(userId)!.environmentRoles;
    held.set(environmentId, strongerEnvironmentRole(held.get(environmentId), role));
  };
  const addApiRole = (userId: string, apiId: string, environmentId: string, role: string) => {
    if (!isRole('api', role)) return;
    const held = roles.get(userId)!.apiRoles as Map<string, { environmentId: string; roles: ApiRole[] }>;
    const entry = held.get(apiId) ?? { environmentId, roles: [] };
    if (!entry.roles.includes(role)) entry.roles.push(role);
    held.set(apiId, entry);
  };

  for (const binding of bindings) {
    if (binding.scope === 'organization' && binding.role === 'ADMIN')
      roles.get(binding.userId)!.isOrgAdmin = true;
    if (binding.scope === 'environment' && binding.environmentId) {
      addEnvironmentRole(binding.userId, binding.environmentId, binding.role);
    }
    if (binding.scope === 'api' && binding.apiId && binding.environmentId) {
      addApiRole(binding.userId, binding.apiId, binding.environmentId, binding.role);
    }
  }
  for (const row of groupEnvironmentRoles) addEnvironmentRole(row.userId, row.environmentId, row.role);
  for (const row of groupApiRoles) addApiRole(row.userId, row.apiId, row.environmentId, row.role);
  return roles;
}

/**
 * Until someone who signed in with a one-time password has chosen a new one, that is all they may do
 * with their session (pages redirect them; actions and REST calls are refused with this).
 */
export function refuseUntilPasswordChanged(
  actor: Actor,
  options: { forPasswordChange?: boolean } = {},
): void {
  if (actor.mustChangePassword && !options.forPasswordChange) {
    throw new AppError('forbidden', 'Choose a new password first: yours was set by an administrator.');
  }
}

/** What authorization looks at: the roles, not who is acting or how. */
export type Roles = Pick<Actor, 'isOrgAdmin' | 'environmentRoles' | 'apiRoles'>;

export type ApiScope = { apiId: string; environmentId: string };
export type EnvironmentScope = { environmentId: string };

/**
 * The one question every domain function asks: may this actor do this here? Organization admins may
 * do everything; otherwise the environment role (and, for an API, what it carries down) and the API
 * roles decide.
 */
export function can(actor: Roles, permission: OrganizationPermission): boolean;
export function can(actor: Roles, permission: EnvironmentPermission, scope: EnvironmentScope): boolean;
export function can(actor: Roles, permission: ApiPermission, scope: ApiScope): boolean;
export function can(
  actor: Roles,
  permission: OrganizationPermission | EnvironmentPermission | ApiPermission,
  scope?: EnvironmentScope | ApiScope,
): boolean {
  if (actor.isOrgAdmin) return true;
  if (!scope) return false;
  const environmentRole = actor.environmentRoles.get(scope.environmentId);
  if ('apiId' in scope) {
    const apiPermission = permission as ApiPermission;
    const direct = actor.apiRoles.get(scope.apiId);
    const fromApi =
      direct?.environmentId === scope.environmentId &&
      direct.roles.some((role) => apiRolePermissions(role).includes(apiPermission));
    const fromEnvironment = environmentRole
      ? apiPermissionsFromEnvironmentRole(environmentRole).includes(apiPermission)
      : false;
    return fromApi || fromEnvironment;
  }
  return environmentRole
    ? environmentRolePermissions(environmentRole).includes(permission as EnvironmentPermission)
    : false;
}

/** An environment is visible to whoever holds any role in it or on one of its APIs. */
export function canSeeEnvironment(actor: Actor, environmentId: string): boolean {
  if (actor.isOrgAdmin || actor.environmentRoles.has(environmentId)) return true;
  for (const entry of actor.apiRoles.values()) if (entry.environmentId === environmentId) return true;
  return false;
}

export function canSeeApi(actor: Actor, api: ApiScope): boolean {
  return can(actor, 'DEFINITION:READ', api);
}
