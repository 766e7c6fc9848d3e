import 'server-only';

import { and, asc, desc, eq, gt, ilike, inArray, isNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';

import { getDb } from '@/db';
import {
  apiTokens,
  apis,
  environments,
  groupMembers,
  groups,
  roleBindings,
  sessions,
  users,
} from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { refuseUnlessOrgAdmin } from '@/lib/auth/org-admin';
import { notFound } from '@/lib/errors';
import { isUuid } from '@/lib/ids';
import { decodeCursor, defaultPageSize, encodeCursor, type Page } from '@/lib/pagination';

/** Administration's view of people (organization admins only; 404 for anyone else, audited). */

export type UserListItem = {
  id: string;
  email: string;
  name: string;
  status: 'active' | 'disabled';
  mustChangePassword: boolean;
  lastSignInAt: Date | null;
  organizationRole: 'ADMIN' | 'USER';
  /** "QA: APPROVER" for each environment role held directly, plus through groups. */
  environmentRoles: { environment: string; role: string; via: string | null }[];
  apiRoleCount: number;
};

const userCursor = z.object({ name: z.string(), id: z.string() });

/** Escapes LIKE's wildcards so a search is for the text typed. */
const likeText = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function listUsers(
  actor: Actor,
  query: { q?: string; cursor?: string | null; limit?: number } = {},
): Promise<Page<UserListItem>> {
  await refuseUnlessOrgAdmin(actor, { action: 'admin.viewed', target: { type: 'page', id: 'users' } });
  const limit = Math.min(Math.max(query.limit ?? defaultPageSize, 1), 100);
  const after = decodeCursor(userCursor, query.cursor);
  const q = query.q?.trim();
  const rows = await getDb()
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      disabledAt: users.disabledAt,
      mustChangePassword: users.mustChangePassword,
      lastSignInAt: users.lastSignInAt,
    })
    .from(users)
    .where(
      and(
        q ? or(ilike(users.name, likeText(q)), ilike(users.email, likeText(q))) : undefined,
        after && isUuid(after.id)
          ? or(gt(users.name, after.name), and(eq(users.name, after.name), gt(users.id, after.id)))
          : undefined,
      ),
    )
    .orderBy(asc(users.name), asc(users.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const roles = await rolesSummary(page.map((row) => row.id));
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      id: row.id,
      email: row.email,
      name: row.name,
      status: row.disabledAt ? 'disabled' : 'active',
      mustChangePassword: row.mustChangePassword,
      lastSignInAt: row.lastSignInAt,
      ...roles(row.id),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor({ name: last.name, id: last.id }) : null,
  };
}

/** Organization role, environment roles (own and through groups) and API role counts of these users. */
async function rolesSummary(userIds: string[]) {
  const db = getDb();
  const [bindings, viaGroups] = userIds.length
    ? await Promise.all([
        db
          .select({
            userId: roleBindings.userId,
            scope: roleBindings.scope,
            role: roleBindings.role,
            environment: environments.name,
            position: environments.position,
          })
          .from(roleBindings)
          .leftJoin(environments, eq(environments.id, roleBindings.environmentId))
          .where(inArray(roleBindings.userId, userIds)),
        db
          .select({
            userId: groupMembers.userId,
            role: groups.environmentRole,
            group: groups.name,
            environment: environments.name,
            position: environments.position,
          })
          .from(groupMembers)
          .innerJoin(groups, eq(groups.id, groupMembers.groupId))
          .innerJoin(environments, eq(environments.id, groups.environmentId))
          .where(and(inArray(groupMembers.userId, userIds), sql`${groups.environmentRole} is not null`)),
      ])
    : [[], []];
  return (userId: string) => ({
    organizationRole: bindings.some(
      (b) => b.userId === userId && b.scope === 'organization' && b.role === 'ADMIN',
    )
      ? ('ADMIN' as const)
      : ('USER' as const),
    environmentRoles: [
      ...bindings
        .filter((b) => b.userId === userId && b.scope === 'environment')
        .map((b) => ({ environment: b.environment!, role: b.role, via: null, position: b.position! })),
      ...viaGroups
        .filter((g) => g.userId === userId)
        .map((g) => ({ environment: g.environment, role: g.role!, via: g.group, position: g.position })),
    ]
      .sort((a, b) => a.position - b.position)
      .map(({ environment, role, via }) => ({ environment, role, via })),
    apiRoleCount: bindings.filter((b) => b.userId === userId && b.scope === 'api').length,
  });
}

/** One user as administration sees them: every role, group, active token and open session. */
export async function getUserForAdmin(actor: Actor, userId: string) {
  await refuseUnlessOrgAdmin(actor, { action: 'admin.viewed', target: { type: 'user', id: String(userId) } });
  if (!isUuid(userId)) throw notFound('User');
  const db = getDb();
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw notFound('User');
  const [summary, environmentBindings, apiBindings, memberships, tokens, openSessions] = await Promise.all([
    rolesSummary([userId]),
    db
      .select({
        environmentId: environments.id,
        key: environments.key,
        name: environments.name,
        role: roleBindings.role,
      })
      .from(roleBindings)
      .innerJoin(environments, eq(environments.id, roleBindings.environmentId))
      .where(and(eq(roleBindings.userId, userId), eq(roleBindings.scope, 'environment')))
      .orderBy(asc(environments.position)),
    db
      .select({ apiId: apis.id, apiName: apis.name, environment: environments.name, role: roleBindings.role })
      .from(roleBindings)
      .innerJoin(apis, eq(apis.id, roleBindings.apiId))
      .innerJoin(environments, eq(environments.id, apis.environmentId))
      .where(and(eq(roleBindings.userId, userId), eq(roleBindings.scope, 'api')))
      .orderBy(asc(environments.position), asc(apis.name)),
    db
      .select({
        groupId: groups.id,
        group: groups.name,
        environment: environments.name,
        environmentRole: groups.environmentRole,
        apiRole: groupMembers.apiRole,
      })
      .from(groupMembers)
      .innerJoin(groups, eq(groups.id, groupMembers.groupId))
      .innerJoin(environments, eq(environments.id, groups.environmentId))
      .where(eq(groupMembers.userId, userId))
      .orderBy(asc(environments.position), asc(groups.name)),
    db
      .select({
        id: apiTokens.id,
        name: apiTokens.name,
        createdAt: apiTokens.createdAt,
        lastUsedAt: apiTokens.lastUsedAt,
        expiresAt: apiTokens.expiresAt,
      })
      .from(apiTokens)
      .where(
        and(
          eq(apiTokens.userId, userId),
          isNull(apiTokens.revokedAt),
          or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, sql`now()`)),
        ),
      )
      .orderBy(desc(apiTokens.createdAt)),
    db
      .select({ count: sql<number>`count(*)::int` })
      .from(sessions)
      .where(and(eq(sessions.userId, userId), isNull(sessions.endedAt), gt(sessions.expiresAt, sql`now()`))),
  ]);
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    status: user.disabledAt ? ('disabled' as const) : ('active' as const),
    disabledAt: user.disabledAt,
    mustChangePassword: user.mustChangePassword,
    signsInWithPassword: Boolean(user.passwordHash),
    lastSignInAt: user.lastSignInAt,
    createdAt: user.createdAt,
    isSelf: user.id === actor.userId,
    organizationRole: summary(userId).organizationRole,
    environmentRoles: environmentBindings,
    apiRoles: apiBindings,
    groups: memberships,
    tokens,
    openSessions: openSessions[0]!.count,
  };
}

export type UserForAdmin = Awaited<ReturnType<typeof getUserForAdmin>>;
