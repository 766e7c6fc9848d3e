import { z } from 'zod';

import { createGroupInput, groupMemberInput, updateGroupInput } from '@/lib/groups/group-writes';
import type { GroupForAdmin, GroupListItem } from '@/lib/groups/queries';
import type { UserForAdmin, UserListItem } from '@/lib/users/queries';
import { createUserInput } from '@/lib/users/user-writes';

import { timestamp } from './resources';

/** Administration over REST (organization admins): users, their roles, groups and members. */

const iso = (date: Date | null) => date?.toISOString() ?? null;

const environmentRoleResource = z.object({
  environment: z.string(),
  role: z.string(),
  /** The group it is held through; null: held directly. */
  via: z.string().nullable(),
});

export const userSummaryResource = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  status: z.enum(['active', 'disabled']),
  mustChangePassword: z.boolean(),
  lastSignInAt: timestamp.nullable(),
  organizationRole: z.enum(['ADMIN', 'USER']),
  environmentRoles: z.array(environmentRoleResource),
  apiRoleCount: z.int(),
});
export const userListResponse = z.object({
  items: z.array(userSummaryResource),
  nextCursor: z.string().nullable(),
});

export function toUserSummary(user: UserListItem): z.input<typeof userSummaryResource> {
  return { ...user, lastSignInAt: iso(user.lastSignInAt) };
}

export const userResource = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  status: z.enum(['active', 'disabled']),
  mustChangePassword: z.boolean(),
  signsInWithPassword: z.boolean(),
  lastSignInAt: timestamp.nullable(),
  createdAt: timestamp,
  organizationRole: z.enum(['ADMIN', 'USER']),
  environmentRoles: z.array(z.object({ environment: z.string(), name: z.string(), role: z.string() })),
  apiRoles: z.array(
    z.object({ apiId: z.uuid(), api: z.string(), environment: z.string(), role: z.string() }),
  ),
  groups: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      environment: z.string(),
      environmentRole: z.string().nullable(),
      apiRole: z.string(),
    }),
  ),
  tokens: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      createdAt: timestamp,
      lastUsedAt: timestamp.nullable(),
      expiresAt: timestamp.nullable(),
    }),
  ),
  openSessions: z.int(),
});

export function toUser(user: UserForAdmin): z.input<typeof userResource> {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    status: user.status,
    mustChangePassword: user.mustChangePassword,
    signsInWithPassword: user.signsInWithPassword,
    lastSignInAt: iso(user.lastSignInAt),
    createdAt: user.createdAt.toISOString(),
    organizationRole: user.organizationRole,
    environmentRoles: user.environmentRoles.map((role) => ({
      environment: role.key,
      name: role.name,
      role: role.role,
    })),
    apiRoles: user.apiRoles.map((role) => ({
      apiId: role.apiId,
      api: role.apiName,
      environment: role.environment,
      role: role.role,
    })),
    groups: user.groups.map((group) => ({
      id: group.groupId,
      name: group.group,
      environment: group.environment,
      environmentRole: group.environmentRole,
      apiRole: group.apiRole,
    })),
    tokens: user.tokens.map((token) => ({
      id: token.id,
      name: token.name,
      createdAt: token.createdAt.toISOString(),
      lastUsedAt: iso(token.lastUsedAt),
      expiresAt: iso(token.expiresAt),
    })),
    openSessions: user.openSessions,
  };
}

/** A created or reset user: the one-time password appears here once and nowhere else. */
export const oneTimePasswordResource = z.object({
  id: z.uuid(),
  email: z.string().optional(),
  name: z.string().optional(),
  oneTimePassword: z.string().nullable(),
});

export const userCreateBody = createUserInput;
export const userUpdateBody = z.object({ disabled: z.boolean('disabled must be true or false') });
export const roleBody = z.object({ role: z.string().trim().min(1, 'Choose a role') });

export const groupResource = z.object({
  id: z.uuid(),
  name: z.string(),
  environment: z.string(),
  environmentRole: z.string().nullable(),
  /** Identity provider groups whose members are this group's members (applied at each single sign-on). */
  identityProviderGroups: z.array(z.string()),
  memberCount: z.int().optional(),
  apiCount: z.int().optional(),
  members: z
    .array(
      z.object({
        userId: z.uuid(),
        name: z.string(),
        email: z.string(),
        apiRole: z.string(),
        disabled: z.boolean(),
      }),
    )
    .optional(),
});
export const groupListResponse = z.object({ items: z.array(groupResource) });

export function toGroup(group: GroupListItem | GroupForAdmin): z.input<typeof groupResource> {
  return {
    id: group.id,
    name: group.name,
    environment: group.environment,
    environmentRole: group.environmentRole,
    identityProviderGroups: group.identityProviderGroups,
    ...('memberCount' in group && { memberCount: group.memberCount }),
    apiCount: group.apiCount,
    ...('members' in group && { members: group.members }),
  };
}

export const groupCreateBody = createGroupInput;
export const groupUpdateBody = updateGroupInput;
export const groupMemberBody = groupMemberInput;
