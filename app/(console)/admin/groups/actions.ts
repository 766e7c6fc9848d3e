'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';

import { formAction } from '@/lib/actions/form-action';
import {
  addGroupMember,
  createGroup,
  deleteGroup,
  removeGroupMember,
  updateGroup,
} from '@/lib/groups/group-writes';

// Each action is a public endpoint: formAction authenticates; the domain function refuses non-admins.

const done = (message: string) => () => {
  revalidatePath('/admin', 'layout');
  return { status: 'success' as const, message };
};
/** The form's "none" is an empty choice. */
const roleOrNone = (role: string | undefined) => (role ? role : null) as never;

export const createGroupAction = formAction(
  z.object({ environment: z.string(), name: z.string(), environmentRole: z.string().optional() }),
  (actor, input) => createGroup(actor, { ...input, environmentRole: roleOrNone(input.environmentRole) }),
  (group) => redirect(`/admin/groups/${group!.id}`),
);

export const updateGroupAction = formAction(
  z.object({
    groupId: z.string(),
    name: z.string(),
    environmentRole: z.string().optional(),
    // One identity provider group per line (or comma-separated).
    identityProviderGroups: z.string().default(''),
  }),
  (actor, { groupId, identityProviderGroups, ...input }) =>
    updateGroup(actor, groupId, {
      ...input,
      environmentRole: roleOrNone(input.environmentRole),
      identityProviderGroups: identityProviderGroups
        .split(/[\n,]/)
        .map((name) => name.trim())
        .filter(Boolean),
    }),
  done('Group saved.'),
);

export const deleteGroupAction = formAction(
  z.object({ groupId: z.string() }),
  (actor, input) => deleteGroup(actor, input.groupId),
  () => {
    revalidatePath('/admin', 'layout');
    redirect('/admin/groups');
  },
);

export const addGroupMemberAction = formAction(
  z.object({ groupId: z.string(), email: z.string(), apiRole: z.string().optional() }),
  (actor, { groupId, ...input }) => addGroupMember(actor, groupId, input as never),
  done('Member added.'),
);

export const removeGroupMemberAction = formAction(
  z.object({ groupId: z.string(), userId: z.string() }),
  (actor, input) => removeGroupMember(actor, input.groupId, input.userId),
  done('Member removed.'),
);
