import type { Metadata } from 'next';
import Link from 'next/link';

import { NewGroupForm } from '@/components/admin/admin-forms';
import { environmentRoles } from '@/lib/auth/permissions';
import { requireActor } from '@/lib/auth/session';
import { listInstallations } from '@/lib/environments/queries';
import { listGroups } from '@/lib/groups/queries';
import { orNotFound } from '@/lib/page-data';

import { createGroupAction } from './actions';

export const metadata: Metadata = { title: 'Groups · Administration' };

export default async function GroupsAdminPage() {
  const actor = await requireActor();
  const groups = await orNotFound(listGroups(actor));
  const environments = (await listInstallations(actor)).flatMap((installation) => installation.environments);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Groups</h1>
        <p className="mt-1 text-sm text-slate-600">
          A group belongs to an environment. Its members hold its environment role there, get their API role
          on the APIs it is a member of, and approval rules may ask for its approvals.
        </p>
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="overflow-x-auto rounded-xl bg-surface shadow-sm ring-1 ring-slate-200 lg:col-span-2">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <caption className="sr-only">Groups</caption>
            <thead className="bg-slate-50 text-left text-slate-700">
              <tr>
                <th scope="col" className="px-3 py-2 font-semibold">
                  Group
                </th>
                <th scope="col" className="px-3 py-2 font-semibold">
                  Environment
                </th>
                <th scope="col" className="px-3 py-2 font-semibold">
                  Role of members
                </th>
                <th scope="col" className="px-3 py-2 font-semibold">
                  Members
                </th>
                <th scope="col" className="px-3 py-2 font-semibold">
                  APIs
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {groups.map((group) => (
                <tr key={group.id}>
                  <td className="px-3 py-2">
                    <Link
                      href={`/admin/groups/${group.id}`}
                      className="font-medium text-indigo-700 hover:underline"
                    >
                      {group.name}
                    </Link>
                  </td>
                  <td className="px-3 py-2">{group.environmentName}</td>
                  <td className="px-3 py-2">{group.environmentRole ?? 'None'}</td>
                  <td className="px-3 py-2">{group.memberCount}</td>
                  <td className="px-3 py-2">{group.apiCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {groups.length === 0 && <p className="p-3 text-sm text-slate-600">No groups yet.</p>}
        </div>
        <NewGroupForm action={createGroupAction} environments={environments} roles={environmentRoles} />
      </div>
    </div>
  );
}
