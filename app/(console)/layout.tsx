import { cookies } from 'next/headers';
import Link from 'next/link';
import type { ReactNode } from 'react';

import { environmentCookie } from '@/components/console/environment-cookie';
import { EnvironmentSwitcher } from '@/components/console/environment-switcher';
import { NavLink } from '@/components/console/nav-link';
import { UserMenu } from '@/components/console/user-menu';
import { NotificationBell, TasksNavLink } from '@/components/live-widgets';
import { ChangePasswordFormLazy } from '@/components/settings/change-password-form-lazy';
import { auditReach } from '@/lib/audit/queries';
import { requireActor } from '@/lib/auth/session';
import { passwordRules } from '@/lib/auth/sessions';
import { byInstallation, listVisibleEnvironments } from '@/lib/environments/queries';
import { decidesAnywhere } from '@/lib/promotions/rules';

import { signOutAction } from './actions';
import { changePasswordAction } from './settings/password/actions';
import { markNotificationsReadAction } from './promotions/actions';

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const actor = await requireActor();
  // Signed in with a one-time password: whatever the page, nothing but choosing a new one (or signing out).
  if (actor.mustChangePassword) {
    return (
      <div className="min-h-screen">
        <header className="bg-chrome">
          <div className="mx-auto flex max-w-7xl items-center gap-4 px-4 py-2 sm:px-6">
            <span className="text-lg font-bold tracking-tight text-white">Stageway</span>
            <div className="ml-auto">
              <UserMenu name={actor.name} email={actor.email} signOutAction={signOutAction} />
            </div>
          </div>
        </header>
        <main className="mx-auto max-w-md space-y-4 px-4 py-6 sm:px-6">
          <h1 className="text-2xl font-bold tracking-tight">Choose your password</h1>
          <p role="status" className="rounded-md bg-amber-50 p-3 text-sm text-amber-900">
            Your password was set by an administrator. Choose your own to continue: the one you were given is
            the current password.
          </p>
          <ChangePasswordFormLazy action={changePasswordAction} rules={passwordRules} />
        </main>
      </div>
    );
  }
  const [environments, canReadAudit, cookieStore] = await Promise.all([
    listVisibleEnvironments(actor),
    auditReach(actor).then(Boolean),
    cookies(),
  ]);
  // The environment last worked in (the switcher remembers it), else the first in the lifecycle.
  const remembered = cookieStore.get(environmentCookie)?.value;
  const working = environments.find((environment) => environment.key === remembered) ?? environments[0];
  const home = working ? `/environments/${working.key}/apis` : '/';

  return (
    <div className="min-h-screen">
      <header className="bg-chrome">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-4 px-4 py-2 sm:px-6">
          <Link href={home} className="text-lg font-bold tracking-tight text-white">
            Stageway
          </Link>
          <EnvironmentSwitcher groups={byInstallation(environments)} remembered={working?.key ?? ''} />
          <nav aria-label="Main" className="flex items-center gap-1">
            <NavLink href={home} match="/environments/">
              APIs
            </NavLink>
            {decidesAnywhere(actor) && <TasksNavLink />}
            {canReadAudit && (
              <NavLink href="/audit" match="/audit">
                Audit trail
              </NavLink>
            )}
            {actor.isOrgAdmin && (
              <NavLink href="/admin/users" match="/admin">
                Administration
              </NavLink>
            )}
          </nav>
          <div className="ml-auto flex items-center gap-2">
            <NotificationBell markReadAction={markNotificationsReadAction} />
            <UserMenu name={actor.name} email={actor.email} signOutAction={signOutAction} />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6">{children}</main>
    </div>
  );
}
