import type { Metadata } from 'next';
import Link from 'next/link';

import { ApprovalPolicyView } from '@/components/environments/approval-policy-view';
import { EnvironmentPolicyForm } from '@/components/environments/environment-policy-form';
import { requireActor } from '@/lib/auth/session';
import { getApprovalPolicy, getPolicyEditor } from '@/lib/environments/queries';
import { orNotFound } from '@/lib/page-data';

import { updateEnvironmentPolicyAction } from './actions';

export const metadata: Metadata = { title: 'Environment policy' };

export default async function EnvironmentPolicyPage({ params }: PageProps<'/environments/[envKey]/policy'>) {
  const { envKey } = await params;
  const actor = await requireActor();
  const [{ environment, policy }, editor] = await orNotFound(
    Promise.all([getApprovalPolicy(actor, envKey), getPolicyEditor(actor, envKey)]),
  );
  return (
    <div className="space-y-4">
      <div>
        <p className="text-sm text-slate-500">
          <Link href={`/environments/${environment.key}/apis`} className="hover:underline">
            APIs in {environment.name}
          </Link>
        </p>
        <h1 className="text-2xl font-bold tracking-tight">Policy of {environment.name}</h1>
        {editor && (
          <p className="text-sm">
            <Link
              href={`/environments/${environment.key}/webhooks`}
              className="text-indigo-700 hover:underline"
            >
              Webhooks of {environment.name}
            </Link>
          </p>
        )}
      </div>
      <ApprovalPolicyView policy={policy} environmentName={environment.name} />
      {editor && (
        <>
          <h2 className="pt-2 text-xl font-semibold">Change the policy</h2>
          <EnvironmentPolicyForm
            key={`${editor.settings.key}:${editor.policy.version}`}
            editor={editor}
            action={updateEnvironmentPolicyAction}
          />
        </>
      )}
    </div>
  );
}
