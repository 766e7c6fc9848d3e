import type { Metadata } from 'next';
import Link from 'next/link';

import { ActionButton, GrantEnvironmentRoleForm } from '@/components/admin/admin-forms';
import { Badge } from '@/components/ui/badge';
import { DateTime } from '@/components/ui/date-time';
import { environmentRoles } from '@/lib/auth/permissions';
import { requireActor } from '@/lib/auth/session';
import { listInstallations } from '@/lib/environments/queries';
import { orNotFound } from '@/lib/page-data';
import { getUserForAdmin } from '@/lib/users/queries';

import {
  grantEnvironmentRoleAction,
  resetPasswordAction,
  revokeEnvironmentRoleAction,
  revokeTokenAction,
  setOrganizationRoleAction,
  setUserDisabledAction,
  signOutEverywhereAction,
} from '../actions';

export const metadata: Metadata = { title: 'User · Administration' };

const section = 'space-y-3 rounded-xl bg-surface p-4 shadow-sm ring-1 ring-slate-200';

export default async function UserAdminPage({ params }: PageProps<'/admin/users/[userId]'>) {
  const actor = await requireActor();
  const { userId } = await params;
  const user = await orNotFound(getUserForAdmin(actor, userId));
  const environments = (await listInstallations(actor)).flatMap((installation) => installation.environments);
  const fields = { userId: user.id };

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <p className="text-sm text-slate-600">
            <Link href="/admin/users" className="hover:underline">
              Users
            </Link>
          </p>
          <h1 className="text-2xl font-bold tracking-tight">{user.name}</h1>
          <p className="text-sm text-slate-600">
            {user.email} ·{' '}
            {user.lastSignInAt ? (
              <>
                last signed in <DateTime value={user.lastSignInAt} />
              </>
            ) : (
              'never signed in'
            )}{' '}
            · {user.openSessions} open session{user.openSessions === 1 ? '' : 's'}
          </p>
          <p className="mt-2 flex gap-2">
            {user.status === 'disabled' ? (
              <Badge tone="red">Disabled</Badge>
            ) : (
              <Badge tone="green">Active</Badge>
            )}
            {user.mustChangePassword && <Badge tone="amber">Must change password</Badge>}
            {user.organizationRole === 'ADMIN' && <Badge tone="indigo">Organization admin</Badge>}
          </p>
        </div>
        <div className="flex flex-wrap items-start gap-2">
          {!user.isSelf && (
            <ActionButton
              action={setUserDisabledAction}
              fields={{ ...fields, disabled: String(user.status === 'active') }}
              variant={user.status === 'active' ? 'danger' : 'primary'}
            >
              {user.status === 'active' ? 'Disable user' : 'Enable user'}
            </ActionButton>
          )}
          <ActionButton action={resetPasswordAction} fields={fields} pendingLabel="Resetting…">
            Reset password
          </ActionButton>
          <ActionButton action={signOutEverywhereAction} fields={fields}>
            Sign out everywhere
          </ActionButton>
          <ActionButton
            action={setOrganizationRoleAction}
            fields={{ ...fields, role: user.organizationRole === 'ADMIN' ? 'USER' : 'ADMIN' }}
          >
            {user.organizationRole === 'ADMIN' ? 'Remove organization admin' : 'Make organization admin'}
          </ActionButton>
        </div>
      </div>

      <section aria-labelledby="environment-roles-heading" className={section}>
        <h2 id="environment-roles-heading" className="text-lg font-semibold">
          Environment roles
        </h2>
        {user.environmentRoles.length === 0 ? (
          <p className="text-sm text-slate-600">No role of their own in any environment.</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {user.environmentRoles.map((role) => (
              <li key={role.key} className="flex items-center justify-between gap-3 py-2">
                <span>
                  <span className="font-medium">{role.name}</span>: {role.role}
                </span>
                <ActionButton
                  action={revokeEnvironmentRoleAction}
                  fields={{ ...fields, environment: role.key }}
                  label={`Revoke ${role.role} in ${role.name}`}
                >
                  Revoke
                </ActionButton>
              </li>
            ))}
          </ul>
        )}
        <GrantEnvironmentRoleForm
          action={grantEnvironmentRoleAction}
          userId={user.id}
          environments={environments}
          roles={environmentRoles}
        />
      </section>

      <div className="grid gap-6 md:grid-cols-2">
        <section aria-labelledby="groups-heading" className={section}>
          <h2 id="groups-heading" className="text-lg font-semibold">
            Groups
          </h2>
          {user.groups.length === 0 ? (
            <p className="text-sm text-slate-600">In no group.</p>
          ) : (
            <ul className="space-y-1 text-sm">
              {user.groups.map((group) => (
                <li key={group.groupId}>
                  <Link
                    href={`/admin/groups/${group.groupId}`}
                    className="font-medium text-indigo-700 hover:underline"
                  >
                    {group.group}
                  </Link>{' '}
                  in {group.environment}
                  {group.environmentRole && <> · gives {group.environmentRole}</>} · API role {group.apiRole}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="api-roles-heading" className={section}>
          <h2 id="api-roles-heading" className="text-lg font-semibold">
            API roles
          </h2>
          {user.apiRoles.length === 0 ? (
            <p className="text-sm text-slate-600">Member of no API directly.</p>
          ) : (
            <ul className="space-y-1 text-sm">
              {user.apiRoles.map((role) => (
                <li key={role.apiId}>
                  {role.apiName} in {role.environment}: {role.role}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <section aria-labelledby="tokens-heading" className={section}>
        <h2 id="tokens-heading" className="text-lg font-semibold">
          Active API tokens
        </h2>
        {user.tokens.length === 0 ? (
          <p className="text-sm text-slate-600">No active token.</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {user.tokens.map((token) => (
              <li key={token.id} className="flex items-center justify-between gap-3 py-2">
                <span>
                  <span className="font-medium">{token.name}</span> · created{' '}
                  <DateTime value={token.createdAt} /> ·{' '}
                  {token.lastUsedAt ? (
                    <>
                      last used <DateTime value={token.lastUsedAt} />
                    </>
                  ) : (
                    'never used'
                  )}
                </span>
                <ActionButton
                  action={revokeTokenAction}
                  fields={{ tokenId: token.id }}
                  variant="danger"
                  label={`Revoke token ${token.name}`}
                >
                  Revoke
                </ActionButton>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
