import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';

import { DefinitionView } from '@/components/apis/definition-view';
import { Badge } from '@/components/ui/badge';
import { DateTime } from '@/components/ui/date-time';
import { getApi, getRevision } from '@/lib/apis/queries';
import { requireActor } from '@/lib/auth/session';
import { orNotFound } from '@/lib/page-data';

export const metadata: Metadata = { title: 'Revision' };

export default async function RevisionPage({
  params,
}: PageProps<'/environments/[envKey]/apis/[apiId]/revisions/[revision]'>) {
  const { envKey, apiId, revision: revisionParam } = await params;
  const number = Number(revisionParam);
  if (!Number.isInteger(number) || number < 1 || number > 2_147_483_647) notFound();
  const actor = await requireActor();
  const api = await orNotFound(getApi(actor, envKey, apiId));
  const revision = await orNotFound(getRevision(api, number));

  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <p className="text-sm text-slate-500">
          <Link href={`/environments/${envKey}/apis/${api.id}`} className="hover:underline">
            {api.definition.name} in {api.environment.name}
          </Link>
        </p>
        <h1 className="flex items-center gap-3 text-2xl font-bold tracking-tight">
          Revision {revision.revision}
          <Badge tone="indigo">v{revision.definition.version}</Badge>
          {revision.revision === api.currentRevision && <Badge tone="green">current</Badge>}
        </h1>
        <p className="text-sm text-slate-600">
          {revision.message ?? 'No message'} · <DateTime value={revision.createdAt} />
          {revision.createdByName && <> · {revision.createdByName}</>}
        </p>
        <p className="font-mono text-sm text-slate-600">{revision.definition.contextPath}</p>
        {revision.revision !== api.currentRevision && (
          <p className="text-sm">
            <Link
              href={`/environments/${envKey}/apis/${api.id}/compare?from=${revision.revision}&to=${api.currentRevision}`}
              className="font-semibold text-indigo-700 hover:underline"
            >
              Compare with current
            </Link>
          </p>
        )}
      </div>
      <DefinitionView definition={revision.definition} />
    </div>
  );
}
