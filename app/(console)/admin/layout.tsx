import type { ReactNode } from 'react';

import { NavLink } from '@/components/console/nav-link';
import { requireActor } from '@/lib/auth/session';

/** The administration's sections. Each page asks the domain, which answers 404 to non-admins. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const actor = await requireActor();
  return (
    <div className="space-y-6">
      {actor.isOrgAdmin && (
        <nav aria-label="Administration" className="flex gap-1 rounded-lg bg-chrome p-1">
          <NavLink href="/admin/users" match="/admin/users">
            Users
          </NavLink>
          <NavLink href="/admin/groups" match="/admin/groups">
            Groups
          </NavLink>
          <NavLink href="/admin/environments" match="/admin/environments">
            Environments
          </NavLink>
        </nav>
      )}
      {children}
    </div>
  );
}
