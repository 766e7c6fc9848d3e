import type { Metadata } from 'next';
import Link from 'next/link';

import { ApprovalPolicyView } from '@/components/environments/approval-policy-view';
import { requireActor } from '@/lib/auth/session';
import { getApprovalPolicy } from '@/lib/environments/queries';
import { orNotFound } from '@/lib/page-data';

export const metadata: Metadata = { title: 'Approval policy' };

export default async function ApprovalPolicyPage({ params }: PageProps<'/environments/[envKey]/policy'>) {
  const { envKey } = await params;
  const actor = await requireActor();
  const { environment, policy } = await orNotFound(getApprovalPolicy(actor, envKey));
  return (
    <div className="space-y-4">
      <div>
        <p className="text-sm text-slate-500">
          <Link href={`/environments/${environment.key}/apis`} className="hover:underline">
            APIs in {environment.name}
          </Link>
        </p>
        <h1 className="text-2xl font-bold tracking-tight">Approval policy of {environment.name}</h1>
      </div>
      <ApprovalPolicyView policy={policy} environmentName={environment.name} />
    </div>
  );
}
