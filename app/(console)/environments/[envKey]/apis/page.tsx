import type { Metadata } from 'next';
import Link from 'next/link';

import { LifecycleBadge } from '@/components/apis/lifecycle-badge';
import { DateTime } from '@/components/ui/date-time';
import { listApis } from '@/lib/apis/queries';
import { requireActor } from '@/lib/auth/session';
import { orNotFound } from '@/lib/page-data';

export const metadata: Metadata = { title: 'APIs' };

export default async function ApisPage({ params, searchParams }: PageProps<'/environments/[envKey]/apis'>) {
  const { envKey } = await params;
  const { after } = await searchParams;
  const actor = await requireActor();
  const page = await orNotFound(
    listApis(actor, envKey, { cursor: typeof after === 'string' ? after : null }),
  );

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <p className="text-sm text-slate-500">{page.environment.installation.name}</p>
          <h1 className="text-2xl font-bold tracking-tight">APIs in {page.environment.name}</h1>
        </div>
        <Link
          href={`/environments/${envKey}/policy`}
          className="text-sm font-semibold text-indigo-700 hover:underline"
        >
          Approval policy
        </Link>
      </div>
      <div className="overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="px-4 py-3">
                Name
              </th>
              <th scope="col" className="px-4 py-3">
                Version
              </th>
              <th scope="col" className="px-4 py-3">
                Context path
              </th>
              <th scope="col" className="px-4 py-3">
                State
              </th>
              <th scope="col" className="px-4 py-3">
                Last change
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {page.items.map((api) => (
              <tr key={api.id} className="hover:bg-slate-50">
                <td className="px-4 py-3 font-medium">
                  <Link
                    href={`/environments/${envKey}/apis/${api.id}`}
                    className="text-indigo-700 hover:underline"
                  >
                    {api.name}
                  </Link>
                </td>
                <td className="px-4 py-3 text-slate-700">{api.version}</td>
                <td className="px-4 py-3 font-mono text-slate-700">{api.contextPath}</td>
                <td className="px-4 py-3">
                  <LifecycleBadge state={api.lifecycleState} />
                </td>
                <td className="px-4 py-3 text-slate-600">
                  <DateTime value={api.updatedAt} />
                  {api.updatedByName && <span className="text-slate-400"> · {api.updatedByName}</span>}
                  <span className="text-slate-400"> · rev {api.currentRevision}</span>
                </td>
              </tr>
            ))}
            {page.items.length === 0 && (
              <tr>
                <td colSpan={5} className="px-4 py-10 text-center text-slate-500">
                  No APIs in {page.environment.name} yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <nav aria-label="Pagination" className="flex justify-end gap-3 text-sm">
        {after && (
          <Link
            href={`/environments/${envKey}/apis`}
            className="font-semibold text-indigo-700 hover:underline"
          >
            First page
          </Link>
        )}
        {page.nextCursor && (
          <Link
            href={`/environments/${envKey}/apis?after=${page.nextCursor}`}
            className="font-semibold text-indigo-700 hover:underline"
          >
            Next page
          </Link>
        )}
      </nav>
    </div>
  );
}
