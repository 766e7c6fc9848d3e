import type { Metadata } from 'next';
import Link from 'next/link';

import { NewUserForm } from '@/components/admin/admin-forms';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DateTime } from '@/components/ui/date-time';
import { TextField } from '@/components/ui/field';
import { requireActor } from '@/lib/auth/session';
import { isOidcEnabled } from '@/lib/env';
import { orNotFound } from '@/lib/page-data';
import { listUsers } from '@/lib/users/queries';

import { createUserAction } from './actions';

export const metadata: Metadata = { title: 'Users · Administration' };

export default async function UsersAdminPage({ searchParams }: PageProps<'/admin/users'>) {
  const actor = await requireActor();
  const { q, cursor } = await searchParams;
  const query = typeof q === 'string' ? q : '';
  const page = await orNotFound(
    listUsers(actor, { q: query, cursor: typeof cursor === 'string' ? cursor : null }),
  );
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Users</h1>
        <p className="mt-1 text-sm text-slate-600">
          Everyone who may sign in, by name. A user&apos;s page has their roles, groups and tokens.
        </p>
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <section aria-labelledby="user-list-heading" className="space-y-3 lg:col-span-2">
          <h2 id="user-list-heading" className="sr-only">
            User list
          </h2>
          <form role="search" className="flex items-end gap-2">
            <TextField label="Search by name or email" name="q" id="user-search" defaultValue={query} />
            <Button type="submit" variant="secondary">
              Search
            </Button>
          </form>
          {page.items.length === 0 ? (
            <p className="text-sm text-slate-600">No user matches “{query}”.</p>
          ) : (
            <div className="overflow-x-auto rounded-xl bg-surface shadow-sm ring-1 ring-slate-200">
              <table className="min-w-full divide-y divide-slate-200 text-sm">
                <thead className="bg-slate-50 text-left text-slate-700">
                  <tr>
                    <th scope="col" className="px-3 py-2 font-semibold">
                      Name
                    </th>
                    <th scope="col" className="px-3 py-2 font-semibold">
                      Status
                    </th>
                    <th scope="col" className="px-3 py-2 font-semibold">
                      Last sign-in
                    </th>
                    <th scope="col" className="px-3 py-2 font-semibold">
                      Roles
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {page.items.map((user) => (
                    <tr key={user.id}>
                      <td className="px-3 py-2">
                        <Link
                          href={`/admin/users/${user.id}`}
                          className="font-medium text-indigo-700 hover:underline"
                        >
                          {user.name}
                        </Link>
                        <div className="text-slate-600">{user.email}</div>
                      </td>
                      <td className="px-3 py-2">
                        {user.status === 'disabled' ? (
                          <Badge tone="red">Disabled</Badge>
                        ) : user.mustChangePassword ? (
                          <Badge tone="amber">Must change password</Badge>
                        ) : (
                          <Badge tone="green">Active</Badge>
                        )}
                      </td>
                      <td className="px-3 py-2 text-slate-700">
                        {user.lastSignInAt ? <DateTime value={user.lastSignInAt} /> : 'Never'}
                      </td>
                      <td className="px-3 py-2 text-slate-700">
                        <ul className="space-y-0.5">
                          {user.organizationRole === 'ADMIN' && <li>Organization admin</li>}
                          {user.environmentRoles.map((role) => (
                            <li key={`${role.environment}-${role.via}`}>
                              {role.environment}: {role.role}
                              {role.via && <span className="text-slate-600"> (via {role.via})</span>}
                            </li>
                          ))}
                          {user.apiRoleCount > 0 && (
                            <li>
                              {user.apiRoleCount} API role{user.apiRoleCount === 1 ? '' : 's'}
                            </li>
                          )}
                        </ul>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <nav aria-label="Pages" className="flex gap-3 text-sm">
            {cursor && (
              <Link
                href={`/admin/users${query ? `?q=${encodeURIComponent(query)}` : ''}`}
                className="font-semibold text-indigo-700 hover:underline"
              >
                First page
              </Link>
            )}
            {page.nextCursor && (
              <Link
                href={`/admin/users?${new URLSearchParams({ ...(query && { q: query }), cursor: page.nextCursor })}`}
                className="font-semibold text-indigo-700 hover:underline"
              >
                Next page
              </Link>
            )}
          </nav>
        </section>
        <NewUserForm action={createUserAction} ssoEnabled={isOidcEnabled} />
      </div>
    </div>
  );
}
