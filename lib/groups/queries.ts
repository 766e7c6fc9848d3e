import 'server-only';

import { asc, eq, sql } from 'drizzle-orm';

import { getDb } from '@/db';
import { apiGroups, environments, groupMembers, groups, users } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { refuseUnlessOrgAdmin } from '@/lib/auth/org-admin';
import { notFound } from '@/lib/errors';
import { isUuid } from '@/lib/ids';

/** Administration's view of groups (organization admins only; 404 for anyone else, audited). */

/** Every group in lifecycle order of its environment: groups are tens, not thousands. */
export async function listGroups(actor: Actor) {
  await refuseUnlessOrgAdmin(actor, { action: 'admin.viewed', target: { type: 'page', id: 'groups' } });
  return getDb()
    .select({
      id: groups.id,
      name: groups.name,
      environment: environments.key,
      environmentName: environments.name,
      environmentRole: groups.environmentRole,
      identityProviderGroups: groups.identityProviderGroups,
      memberCount: sql<number>`(select count(*)::int from ${groupMembers} where ${groupMembers.groupId} = ${groups.id})`,
      apiCount: sql<number>`(select count(*)::int from ${apiGroups} where ${apiGroups.groupId} = ${groups.id})`,
    })
    .from(groups)
    .innerJoin(environments, eq(environments.id, groups.environmentId))
    .orderBy(asc(environments.position), asc(groups.name));
}

export type GroupListItem = Awaited<ReturnType<typeof listGroups>>[number];

/** One group with its members. */
export async function getGroupForAdmin(actor: Actor, groupId: string) {
  await refuseUnlessOrgAdmin(actor, {
    action: 'admin.viewed',
    target: { type: 'group', id: String(groupId) },
  });
  if (!isUuid(groupId)) throw notFound('Group');
  const db = getDb();
  const [group] = await db
    .select({
      id: groups.id,
      name: groups.name,
      environment: environments.key,
      environmentName: environments.name,
      environmentRole: groups.environmentRole,
      identityProviderGroups: groups.identityProviderGroups,
      apiCount: sql<number>`(select count(*)::int from ${apiGroups} where ${apiGroups.groupId} = ${groups.id})`,
    })
    .from(groups)
    .innerJoin(environments, eq(environments.id, groups.environmentId))
    .where(eq(groups.id, groupId));
  if (!group) throw notFound('Group');
  const members = await db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      apiRole: groupMembers.apiRole,
      disabled: sql<boolean>`${users.disabledAt} is not null`,
    })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(eq(groupMembers.groupId, group.id))
    .orderBy(asc(users.name));
  return { ...group, members };
}

export type GroupForAdmin = Awaited<ReturnType<typeof getGroupForAdmin>>;
