import { redirect } from 'next/navigation';

import { requireActor } from '@/lib/auth/session';
import { listVisibleEnvironments } from '@/lib/environments/queries';

export default async function Home() {
  const [first] = await listVisibleEnvironments(await requireActor());
  if (first) redirect(`/environments/${first.key}/apis`);
  return (
    <div className="rounded-xl bg-surface p-8 text-center shadow-sm ring-1 ring-slate-200">
      <h1 className="text-lg font-semibold">No environment yet</h1>
      <p className="mt-2 text-sm text-slate-600">
        You hold no role in any environment. Ask an organization administrator to give you one.
      </p>
    </div>
  );
}
