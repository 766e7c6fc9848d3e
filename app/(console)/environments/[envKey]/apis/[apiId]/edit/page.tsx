import type { Metadata } from 'next';
import { notFound } from 'next/navigation';

import { definitionPartsJsonSchema } from '@/db/definition';
import { getApi } from '@/lib/apis/queries';
import { requireActor } from '@/lib/auth/session';
import { orNotFound } from '@/lib/page-data';

import { DefinitionForm } from './definition-form';

export const metadata: Metadata = { title: 'Edit definition' };

export default async function EditDefinitionPage({
  params,
}: PageProps<'/environments/[envKey]/apis/[apiId]/edit'>) {
  const { envKey, apiId } = await params;
  const actor = await requireActor();
  const api = await orNotFound(getApi(actor, envKey, apiId));
  // The form is only a convenience: the save action is refused in the domain for those who may not edit.
  if (!api.canUpdateDefinition) notFound();
  const { name, version, contextPath, description, ...parts } = api.definition;

  return (
    <div className="space-y-4">
      <div>
        <p className="text-sm text-slate-500">
          {api.environment.name} · revision {api.currentRevision}
        </p>
        <h1 className="text-2xl font-bold tracking-tight">Edit {name}</h1>
        <p className="text-sm text-slate-600">
          Saving makes revision {api.currentRevision + 1}; earlier revisions stay as they are.
        </p>
      </div>
      <div className="rounded-xl bg-surface p-6 shadow-sm ring-1 ring-slate-200">
        <DefinitionForm
          envKey={envKey}
          apiId={api.id}
          baseRevision={api.currentRevision}
          cancelHref={`/environments/${envKey}/apis/${api.id}`}
          partsSchema={definitionPartsJsonSchema()}
          initial={{ name, version, contextPath, description, parts: JSON.stringify(parts, null, 2) }}
        />
      </div>
    </div>
  );
}
