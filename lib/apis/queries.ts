import 'server-only';

import { and, asc, desc, eq, gt, ilike, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';

import { getDb } from '@/db';
import {
  apiGroups,
  apiLifecycleState,
  apiRevisions,
  apis,
  environments,
  groupMembers,
  groups,
  roleBindings,
  users,
} from '@/db/schema';
import { can, canSeeApi, type Actor } from '@/lib/auth/actor';
import { apiPermissionsFromEnvironmentRole, apiRolePermissions } from '@/lib/auth/permissions';
import { getVisibleEnvironment, type EnvironmentSummary } from '@/lib/environments/queries';
import { maxInt, notFound, parseInput } from '@/lib/errors';
import { isUuid } from '@/lib/ids';
import { decodeCursor, defaultPageSize, encodeCursor, type Page } from '@/lib/pagination';

/** The scope of `apis` the actor may read in one environment, as a where clause. */
function readableApisIn(actor: Actor, environmentId: string): SQL {
  const inEnvironment = eq(apis.environmentId, environmentId);
  const environmentRole = actor.environmentRoles.get(environmentId);
  if (
    actor.isOrgAdmin ||
    (environmentRole && apiPermissionsFromEnvironmentRole(environmentRole).includes('DEFINITION:READ'))
  ) {
    return inEnvironment;
  }
  const memberOf = [...actor.apiRoles.entries()]
    .filter(([, entry]) => entry.environmentId === environmentId)
    .filter(([, entry]) => entry.roles.some((role) => apiRolePermissions(role).includes('DEFINITION:READ')))
    .map(([apiId]) => apiId);
  return memberOf.length ? and(inEnvironment, inArray(apis.id, memberOf))! : sql`false`;
}

export type ApiListItem = {
  id: string;
  name: string;
  version: string;
  contextPath: string;
  lifecycleState: string;
  currentRevision: number;
  updatedAt: Date;
  updatedByName: string | null;
};

export const apiListFilters = z.object({
  /** Part of the name or the context path, any case. */
  q: z.string().trim().max(200).optional(),
  state: z.enum(apiLifecycleState.enumValues).optional(),
  /** By name (A–Z), or by last change (newest first). */
  sort: z.enum(['name', 'changed']).default('name'),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(defaultPageSize),
});
export type ApiListFilters = z.input<typeof apiListFilters>;

// The cursor holds the sort key of the last row: its name, or its change time as PostgreSQL wrote it
// (microseconds kept, so no row is skipped or repeated).
const byNameCursor = z.object({ name: z.string(), id: z.uuid() });
const byChangeCursor = z.object({ changedAt: z.string().max(40), id: z.uuid() });

/** `%` and `_` and `\` in a search match themselves, not any text. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * One environment's APIs the actor may see, found by part of their name or context path and by
 * lifecycle state, by name or newest change first, keyset-paginated on (sort key, id).
 */
export async function listApis(
  actor: Actor,
  environmentKey: string,
  input: ApiListFilters = {},
): Promise<{ environment: EnvironmentSummary } & Page<ApiListItem>> {
  const filters = parseInput(apiListFilters, input);
  const environment = await getVisibleEnvironment(actor, environmentKey);
  const changedAt = sql<string>`${apis.updatedAt}::text`;
  let after: SQL | undefined;
  if (filters.sort === 'name') {
    const cursor = decodeCursor(byNameCursor, filters.cursor);
    if (cursor)
      after = or(gt(apis.name, cursor.name), and(eq(apis.name, cursor.name), gt(apis.id, cursor.id)));
  } else {
    const cursor = decodeCursor(byChangeCursor, filters.cursor);
    if (cursor && !Number.isNaN(Date.parse(cursor.changedAt)))
      after = sql`(${apis.updatedAt}, ${apis.id}) < (${cursor.changedAt}::timestamptz, ${cursor.id}::uuid)`;
  }
  const rows = await getDb()
    .select({
      id: apis.id,
      name: apis.name,
      version: apis.version,
      contextPath: apis.contextPath,
      lifecycleState: apis.lifecycleState,
      currentRevision: apis.currentRevision,
      updatedAt: apis.updatedAt,
      updatedByName: users.name,
      changedAt,
    })
    .from(apis)
    .leftJoin(users, eq(users.id, apis.updatedBy))
    .where(
      and(
        readableApisIn(actor, environment.id),
        filters.q
          ? or(ilike(apis.name, likePattern(filters.q)), ilike(apis.contextPath, likePattern(filters.q)))
          : undefined,
        filters.state ? eq(apis.lifecycleState, filters.state) : undefined,
        after,
      ),
    )
    .orderBy(
      ...(filters.sort === 'name' ? [asc(apis.name), asc(apis.id)] : [desc(apis.updatedAt), desc(apis.id)]),
    )
    .limit(filters.limit + 1);
  const items = rows.slice(0, filters.limit);
  const last = rows[filters.limit - 1];
  return {
    environment,
    items,
    nextCursor:
      rows.length > filters.limit && last
        ? encodeCursor(
            filters.sort === 'name'
              ? { name: last.name, id: last.id }
              : { changedAt: last.changedAt, id: last.id },
          )
        : null,
  };
}

/**
 * One API, as the actor may see it; not_found when it does not exist, lives in another environment
 * than the URL says, or is outside the actor's reach (existence is not leaked).
 */
export async function getApi(actor: Actor, environmentKey: string, apiId: string) {
  const environment = await getVisibleEnvironment(actor, environmentKey);
  if (!isUuid(apiId)) throw notFound('API');
  const [api] = await getDb()
    .select({
      id: apis.id,
      crossId: apis.crossId,
      environmentId: apis.environmentId,
      definition: apis.definition,
      lifecycleState: apis.lifecycleState,
      currentRevision: apis.currentRevision,
      createdAt: apis.createdAt,
      updatedAt: apis.updatedAt,
      updatedByName: users.name,
    })
    .from(apis)
    .leftJoin(users, eq(users.id, apis.updatedBy))
    .where(and(eq(apis.id, apiId), eq(apis.environmentId, environment.id)));
  const scope = api && { apiId: api.id, environmentId: api.environmentId };
  if (!api || !scope || !canSeeApi(actor, scope)) throw notFound('API');
  const mayUpdate = can(actor, 'DEFINITION:UPDATE', scope);
  return {
    ...api,
    environment,
    canUpdateDefinition: mayUpdate && api.lifecycleState !== 'archived',
    /** Promoting needs DEFINITION:UPDATE too; a deprecated or archived API shows why it cannot. */
    canPromote: mayUpdate,
    whyCannotPromote: ['deprecated', 'archived'].includes(api.lifecycleState)
      ? `This API is ${api.lifecycleState}: it cannot be promoted.`
      : null,
    canSeeMembers: can(actor, 'MEMBER:READ', scope),
  };
}

export type ApiDetail = Awaited<ReturnType<typeof getApi>>;

/** The API's members: direct role bindings, and the groups attached with their members. */
export async function listApiMembers(api: ApiDetail) {
  const db = getDb();
  const [members, attachedGroups] = await Promise.all([
    db
      .select({ userId: users.id, name: users.name, email: users.email, role: roleBindings.role })
      .from(roleBindings)
      .innerJoin(users, eq(users.id, roleBindings.userId))
      .where(and(eq(roleBindings.scope, 'api'), eq(roleBindings.apiId, api.id)))
      .orderBy(sql`${roleBindings.role} = 'PRIMARY_OWNER' desc`, asc(users.name)),
    db
      .select({
        id: groups.id,
        name: groups.name,
        memberCount: sql<number>`(select count(*)::int from ${groupMembers} where ${groupMembers.groupId} = ${groups.id})`,
      })
      .from(apiGroups)
      .innerJoin(groups, eq(groups.id, apiGroups.groupId))
      .where(eq(apiGroups.apiId, api.id))
      .orderBy(asc(groups.name)),
  ]);
  return { members, groups: attachedGroups };
}

export type RevisionListItem = {
  revision: number;
  version: string;
  message: string | null;
  createdAt: Date;
  createdByName: string | null;
};

/** Revisions of a visible API, newest first, keyset on the revision number. */
export async function listRevisions(
  api: ApiDetail,
  options: { before?: number | null; limit?: number } = {},
): Promise<Page<RevisionListItem>> {
  const limit = options.limit ?? 20;
  // A cursor is a revision number; anything else (a fraction, beyond int4) starts from the newest.
  const before =
    options.before && Number.isInteger(options.before) && options.before > 0 && options.before <= maxInt
      ? options.before
      : null;
  const rows = await getDb()
    .select({
      revision: apiRevisions.revision,
      version: sql<string>`${apiRevisions.definition} ->> 'version'`,
      message: apiRevisions.message,
      createdAt: apiRevisions.createdAt,
      createdByName: users.name,
    })
    .from(apiRevisions)
    .leftJoin(users, eq(users.id, apiRevisions.createdBy))
    .where(and(eq(apiRevisions.apiId, api.id), before ? lt(apiRevisions.revision, before) : undefined))
    .orderBy(desc(apiRevisions.revision))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? String(items.at(-1)!.revision) : null };
}

export async function getRevision(api: ApiDetail, revision: number) {
  const [row] = await getDb()
    .select({
      revision: apiRevisions.revision,
      definition: apiRevisions.definition,
      message: apiRevisions.message,
      createdAt: apiRevisions.createdAt,
      createdByName: users.name,
    })
    .from(apiRevisions)
    .leftJoin(users, eq(users.id, apiRevisions.createdBy))
    .where(and(eq(apiRevisions.apiId, api.id), eq(apiRevisions.revision, revision)));
  if (!row) throw notFound('Revision');
  return row;
}

/** An API by id alone (the REST API names APIs without their environment); not_found as getApi. */
export async function getApiById(actor: Actor, apiId: string) {
  if (!isUuid(apiId)) throw notFound('API');
  const [row] = await getDb()
    .select({ key: environments.key })
    .from(apis)
    .innerJoin(environments, eq(environments.id, apis.environmentId))
    .where(eq(apis.id, apiId));
  if (!row) throw notFound('API');
  return getApi(actor, row.key, apiId);
}
