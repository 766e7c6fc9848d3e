import type { Metadata } from 'next';
import Link from 'next/link';

import { ActionButton, AddMemberForm, GroupSettingsForm } from '@/components/admin/admin-forms';
import { Badge } from '@/components/ui/badge';
import { apiRoles, environmentRoles } from '@/lib/auth/permissions';
import { requireActor } from '@/lib/auth/session';
import { getGroupForAdmin } from '@/lib/groups/queries';
import { orNotFound } from '@/lib/page-data';

import {
  addGroupMemberAction,
  deleteGroupAction,
  removeGroupMemberAction,
  updateGroupAction,
} from '../actions';

export const metadata: Metadata = { title: 'Group · Administration' };

export default async function GroupAdminPage({ params }: PageProps<'/admin/groups/[groupId]'>) {
  const actor = await requireActor();
  const { groupId } = await params;
  const group = await orNotFound(getGroupForAdmin(actor, groupId));
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <p className="text-sm text-slate-600">
            <Link href="/admin/groups" className="hover:underline">
              Groups
            </Link>
          </p>
          <h1 className="text-2xl font-bold tracking-tight">{group.name}</h1>
          <p className="text-sm text-slate-600">
            In {group.environmentName}
            {group.environmentRole ? `: members hold ${group.environmentRole} there` : ''} · member of{' '}
            {group.apiCount} API{group.apiCount === 1 ? '' : 's'}
          </p>
        </div>
        <ActionButton
          action={deleteGroupAction}
          fields={{ groupId: group.id }}
          variant="danger"
          pendingLabel="Deleting…"
        >
          Delete group
        </ActionButton>
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <section
          aria-labelledby="members-heading"
          className="space-y-3 rounded-xl bg-surface p-4 shadow-sm ring-1 ring-slate-200 lg:col-span-2"
        >
          <h2 id="members-heading" className="text-lg font-semibold">
            Members
          </h2>
          {group.members.length === 0 ? (
            <p className="text-sm text-slate-600">No members yet.</p>
          ) : (
            <ul aria-label="Members" className="divide-y divide-slate-100 text-sm">
              {group.members.map((member) => (
                <li key={member.userId} className="flex items-center justify-between gap-3 py-2">
                  <span>
                    <Link
                      href={`/admin/users/${member.userId}`}
                      className="font-medium text-indigo-700 hover:underline"
                    >
                      {member.name}
                    </Link>{' '}
                    <span className="text-slate-600">{member.email}</span> · API role {member.apiRole}{' '}
                    {member.disabled && <Badge tone="red">Disabled</Badge>}
                  </span>
                  <ActionButton
                    action={removeGroupMemberAction}
                    fields={{ groupId: group.id, userId: member.userId }}
                    label={`Remove ${member.name}`}
                  >
                    Remove
                  </ActionButton>
                </li>
              ))}
            </ul>
          )}
          <AddMemberForm action={addGroupMemberAction} groupId={group.id} apiRoles={apiRoles} />
        </section>
        <GroupSettingsForm action={updateGroupAction} group={group} roles={environmentRoles} />
      </div>
    </div>
  );
}
