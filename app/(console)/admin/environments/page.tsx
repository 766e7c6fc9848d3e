import type { Metadata } from 'next';

import { EnvironmentsAdmin } from '@/components/admin/environments-admin';
import { requireActor } from '@/lib/auth/session';
import { listInstallations } from '@/lib/environments/queries';
import { orNotFound } from '@/lib/page-data';

import {
  createEnvironmentAction,
  createInstallationAction,
  deleteEnvironmentAction,
  renameInstallationAction,
  reorderEnvironmentsAction,
} from './actions';

export const metadata: Metadata = { title: 'Environments · Administration' };

export default async function EnvironmentsAdminPage() {
  const actor = await requireActor();
  const installations = await orNotFound(listInstallations(actor));
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-slate-500">Administration</p>
        <h1 className="text-2xl font-bold tracking-tight">Environments and installations</h1>
        <p className="mt-1 text-sm text-slate-600">
          The lifecycle order is the order of the Promote picker and the environment switcher. An
          environment&apos;s settings, approval policy and gates are on its policy page.
        </p>
      </div>
      <EnvironmentsAdmin
        installations={installations}
        actions={{
          createInstallation: createInstallationAction,
          renameInstallation: renameInstallationAction,
          createEnvironment: createEnvironmentAction,
          reorder: reorderEnvironmentsAction,
          deleteEnvironment: deleteEnvironmentAction,
        }}
      />
    </div>
  );
}
