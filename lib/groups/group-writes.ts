import 'server-only';

import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';

import type { Tx } from '@/db';
import { apiGroups, approvalPolicies, environments, groupMembers, groups, users } from '@/db/schema';
import { recordAudit, type AuditEventInput } from '@/lib/audit/record';
import { runAudited } from '@/lib/audit/run-audited';
import type { Actor } from '@/lib/auth/actor';
import { refuseUnlessOrgAdmin } from '@/lib/auth/org-admin';
import { apiRoles, environmentRoles } from '@/lib/auth/permissions';
import { AppError, notFound, parseInput, uniqueViolation } from '@/lib/errors';
import { isUuid } from '@/lib/ids';

/**
 * Groups belong to an environment. A group may hold an environment role there, which every member
 * holds while a member; its members also get their API role on each API the group is attached to; and
 * approval rules may ask for approvals from a group. Organization admins manage them.
 */

const groupName = z.string().trim().min(1, 'Required').max(60, 'At most 60 characters');
const environmentRole = z
  .enum(environmentRoles, `Choose one of ${environmentRoles.join(', ')}, or none`)
  .nullable();

export const createGroupInput = z.object({
  environment: z.string().trim().min(1, 'Choose an environment'),
  name: groupName,
  environmentRole: environmentRole.default(null),
});

/** Values of the identity provider's groups claim, as it sends them (case matters). */
const identityProviderGroups = z
  .array(
    z
      .string()
      .trim()
      .min(1, 'An empty group name')
      .max(200, 'At most 200 characters')
      .regex(/^[^\p{Cc}]*$/u, 'No control characters'),
  )
  .max(50, 'At most 50 groups')
  .transform((names) => [...new Set(names)].sort());

export const updateGroupInput = z
  .object({
    name: groupName.optional(),
    environmentRole: environmentRole.optional(),
    identityProviderGroups: identityProviderGroups.optional(),
  })
  .refine(
    (input) =>
      input.name !== undefined ||
      input.environmentRole !== undefined ||
      input.identityProviderGroups !== undefined,
    { message: 'Change the name, the environment role or the identity provider groups' },
  );

/** The member by id (`userId`) or by email. */
export const groupMemberInput = z
  .object({
    userId: z.string().trim().optional(),
    email: z.string().trim().toLowerCase().max(254).optional(),
    apiRole: z.enum(apiRoles, `Choose one of ${apiRoles.join(', ')}`).default('USER'),
  })
  .refine((input) => input.userId || input.email, { message: 'Name the user', path: ['email'] });

type Group = {
  id: string;
  name: string;
  environmentId: string;
  environmentKey: string;
  environmentRole: string | null;
  identityProviderGroups: string[];
};

const event = (action: AuditEventInput['action'], groupId: unknown): AuditEventInput => ({
  action,
  target: { type: 'group', id: typeof groupId === 'string' ? groupId : 'new' },
});

async function lockGroup(tx: Tx, groupId: string): Promise<Group> {
  const [group] = isUuid(groupId)
    ? await tx
        .select({
          id: groups.id,
          name: groups.name,
          environmentId: groups.environmentId,
          environmentKey: environments.key,
          environmentRole: groups.environmentRole,
          identityProviderGroups: groups.identityProviderGroups,
        })
        .from(groups)
        .innerJoin(environments, eq(environments.id, groups.environmentId))
        .where(eq(groups.id, groupId))
        .for('update', { of: groups })
    : [];
  if (!group) throw notFound('Group');
  return group;
}

function describe(
  group: Pick<Group, 'name' | 'environmentKey' | 'environmentRole' | 'identityProviderGroups'>,
) {
  return {
    name: group.name,
    environment: group.environmentKey,
    environmentRole: group.environmentRole,
    identityProviderGroups: group.identityProviderGroups,
  };
}

/** Two groups of one environment may not share a name: said at the field. */
function nameTaken(error: unknown, name: string | undefined): never {
  if (uniqueViolation(error)?.constraint === 'groups_environment_name_key') {
    throw new AppError('validation', 'The request is invalid.', {
      fieldErrors: { name: [`This environment already has a group named ${name}`] },
    });
  }
  throw error;
}

export async function createGroup(actor: Actor, rawInput: z.input<typeof createGroupInput>) {
  await refuseUnlessOrgAdmin(actor, event('group.created', undefined));
  const input = parseInput(createGroupInput, rawInput);
  try {
    return await runAudited(actor, async (tx) => {
      const [environment] = await tx
        .select({ id: environments.id, key: environments.key })
        .from(environments)
        .where(eq(environments.key, input.environment));
      if (!environment) {
        throw new AppError('validation', 'The request is invalid.', {
          fieldErrors: { environment: [`There is no environment ${input.environment}`] },
        });
      }
      const [group] = await tx
        .insert(groups)
        .values({ environmentId: environment.id, name: input.name, environmentRole: input.environmentRole })
        .returning({ id: groups.id });
      const created = { ...group!, ...input, environmentKey: environment.key, identityProviderGroups: [] };
      await recordAudit(tx, actor, {
        ...event('group.created', group!.id),
        environmentIds: [environment.id],
        changes: { before: null, after: describe(created) },
      });
      return {
        id: group!.id,
        name: input.name,
        environment: environment.key,
        environmentRole: input.environmentRole,
      };
    });
  } catch (error) {
    nameTaken(error, input.name);
  }
}

/**
 * Renames a group, changes the environment role its members hold, or the identity provider groups
 * whose members are its members (applied at each single sign-on).
 */
export async function updateGroup(actor: Actor, groupId: string, rawInput: z.input<typeof updateGroupInput>) {
  await refuseUnlessOrgAdmin(actor, event('group.updated', groupId));
  const input = parseInput(updateGroupInput, rawInput);
  try {
    return await runAudited(actor, async (tx) => {
      const group = await lockGroup(tx, groupId);
      const after = {
        ...group,
        name: input.name ?? group.name,
        environmentRole: input.environmentRole === undefined ? group.environmentRole : input.environmentRole,
        identityProviderGroups: input.identityProviderGroups ?? group.identityProviderGroups,
      };
      if (JSON.stringify(describe(after)) === JSON.stringify(describe(group))) {
        throw new AppError('no_changes', 'Nothing to change: the group already reads like this.');
      }
      await tx
        .update(groups)
        .set({
          name: after.name,
          environmentRole: after.environmentRole,
          identityProviderGroups: after.identityProviderGroups,
        })
        .where(eq(groups.id, group.id));
      await recordAudit(tx, actor, {
        ...event('group.updated', group.id),
        environmentIds: [group.environmentId],
        changes: { before: describe(group), after: describe(after) },
      });
      return {
        id: group.id,
        name: after.name,
        environment: group.environmentKey,
        environmentRole: after.environmentRole,
        identityProviderGroups: after.identityProviderGroups,
      };
    });
  } catch (error) {
    nameTaken(error, input.name);
  }
}

/**
 * Deletes a group that nothing depends on: refused, with the reason, while an environment's approval
 * policy in force asks for its approvals or while it is attached to APIs (its members hold API roles
 * through it).
 */
export async function deleteGroup(actor: Actor, groupId: string): Promise<void> {
  await refuseUnlessOrgAdmin(actor, event('group.deleted', groupId));
  await runAudited(actor, async (tx) => {
    const group = await lockGroup(tx, groupId);
    const policies = await tx
      .select({ environment: environments.name })
      .from(approvalPolicies)
      .innerJoin(environments, eq(environments.id, approvalPolicies.environmentId))
      .where(
        and(
          sql`${approvalPolicies.version} = (select max(p.version) from ${approvalPolicies} p
            where p.environment_id = ${approvalPolicies.environmentId})`,
          sql`${approvalPolicies.rules} @> ${JSON.stringify([{ kind: 'group', groupId: group.id }])}::jsonb`,
        ),
      );
    if (policies.length) {
      throw new AppError(
        'conflict',
        `${group.name} cannot be deleted: the approval policy of ${policies.map((p) => p.environment).join(', ')} asks for its approvals. Change the policy first.`,
      );
    }
    const [attached] = await tx
      .select({ count: sql<number>`count(*)::int` })
      .from(apiGroups)
      .where(eq(apiGroups.groupId, group.id));
    if (attached!.count > 0) {
      throw new AppError(
        'conflict',
        `${group.name} cannot be deleted: it is a member of ${attached!.count} API${attached!.count === 1 ? '' : 's'}, and its members hold API roles through it. Remove it from those APIs first.`,
      );
    }
    const members = await tx
      .delete(groupMembers)
      .where(eq(groupMembers.groupId, group.id))
      .returning({ userId: groupMembers.userId });
    await tx.delete(groups).where(eq(groups.id, group.id));
    await recordAudit(tx, actor, {
      ...event('group.deleted', group.id),
      environmentIds: [group.environmentId],
      changes: { before: { ...describe(group), members: members.length }, after: null },
    });
  });
}

export async function addGroupMember(
  actor: Actor,
  groupId: string,
  rawInput: z.input<typeof groupMemberInput>,
) {
  await refuseUnlessOrgAdmin(actor, event('group.member_added', groupId));
  const input = parseInput(groupMemberInput, rawInput);
  return runAudited(actor, async (tx) => {
    const group = await lockGroup(tx, groupId);
    const [user] =
      input.userId && !isUuid(input.userId)
        ? []
        : await tx
            .select({ id: users.id, email: users.email })
            .from(users)
            .where(input.userId ? eq(users.id, input.userId) : eq(users.email, input.email!));
    if (!user) {
      const field = input.userId ? 'userId' : 'email';
      throw new AppError('validation', 'The request is invalid.', {
        fieldErrors: { [field]: ['No such user'] },
      });
    }
    const [added] = await tx
      .insert(groupMembers)
      .values({ groupId: group.id, userId: user.id, apiRole: input.apiRole })
      .onConflictDoNothing()
      .returning({ userId: groupMembers.userId });
    if (!added) throw new AppError('conflict', `${user.email} is already a member of ${group.name}.`);
    await recordAudit(tx, actor, {
      ...event('group.member_added', group.id),
      environmentIds: [group.environmentId],
      changes: { after: { group: group.name, member: user.email, apiRole: input.apiRole } },
    });
    return { groupId: group.id, userId: user.id, apiRole: input.apiRole };
  });
}

/** A member leaves: the roles they held through the group stop counting at their next request. */
export async function removeGroupMember(actor: Actor, groupId: string, userId: string): Promise<void> {
  await refuseUnlessOrgAdmin(actor, event('group.member_removed', groupId));
  await runAudited(actor, async (tx) => {
    const group = await lockGroup(tx, groupId);
    const [removed] = isUuid(userId)
      ? await tx
          .delete(groupMembers)
          .where(and(eq(groupMembers.groupId, group.id), eq(groupMembers.userId, userId)))
          .returning({ apiRole: groupMembers.apiRole })
      : [];
    if (!removed) throw notFound('Member');
    const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, userId));
    await recordAudit(tx, actor, {
      ...event('group.member_removed', group.id),
      environmentIds: [group.environmentId],
      changes: { before: { group: group.name, member: user!.email, apiRole: removed.apiRole } },
    });
  });
}
