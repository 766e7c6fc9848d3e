import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';

import { DefinitionDiffView } from '@/components/diff/definition-diff-view';
import { buttonClass } from '@/components/ui/button';
import { SelectField } from '@/components/ui/field';
import { getApi, getRevision, listRevisions } from '@/lib/apis/queries';
import { requireActor } from '@/lib/auth/session';
import { diffDefinitions } from '@/lib/diff';
import { maxInt } from '@/lib/errors';
import { orNotFound } from '@/lib/page-data';

export const metadata: Metadata = { title: 'Compare revisions' };

/** A revision number from the URL; anything else is a 404, as for the revision page. */
function revisionNumber(value: string | string[] | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || number < 1 || number > maxInt) notFound();
  return number;
}

export default async function CompareRevisionsPage({
  params,
  searchParams,
}: PageProps<'/environments/[envKey]/apis/[apiId]/compare'>) {
  const [{ envKey, apiId }, query] = await Promise.all([params, searchParams]);
  const actor = await requireActor();
  const api = await orNotFound(getApi(actor, envKey, apiId));
  const to = revisionNumber(query.to, api.currentRevision);
  const from = revisionNumber(query.from, Math.max(1, to - 1));
  const [fromRevision, toRevision, revisions] = await Promise.all([
    orNotFound(getRevision(api, from)),
    orNotFound(getRevision(api, to)),
    listRevisions(api, { limit: 200 }),
  ]);
  const base = `/environments/${envKey}/apis/${api.id}`;
  const choices = revisions.items.map((revision) => (
    <option key={revision.revision} value={revision.revision}>
      Revision {revision.revision} · v{revision.version}
      {revision.message ? ` · ${revision.message.slice(0, 60)}` : ''}
    </option>
  ));

  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <p className="text-sm text-slate-500">
          <Link href={base} className="hover:underline">
            {api.definition.name} in {api.environment.name}
          </Link>
        </p>
        <h1 className="text-2xl font-bold tracking-tight">Compare revisions</h1>
      </div>
      {api.currentRevision === 1 ? (
        <p className="rounded-xl bg-surface p-4 text-sm text-slate-600 shadow-sm ring-1 ring-slate-200">
          This API has one revision: there is nothing to compare yet.
        </p>
      ) : (
        <form
          method="get"
          action={`${base}/compare`}
          aria-label="Revisions to compare"
          className="grid gap-3 rounded-xl bg-surface p-4 shadow-sm ring-1 ring-slate-200 sm:grid-cols-[1fr_1fr_auto] sm:items-end"
        >
          <SelectField label="From revision" name="from" defaultValue={String(from)}>
            {choices}
          </SelectField>
          <SelectField label="To revision" name="to" defaultValue={String(to)}>
            {choices}
          </SelectField>
          <button type="submit" className={buttonClass('primary')}>
            Compare
          </button>
        </form>
      )}
      <section aria-labelledby="comparison" className="space-y-3">
        <h2 id="comparison" className="text-lg font-semibold">
          <Link href={`${base}/revisions/${from}`} className="text-indigo-700 hover:underline">
            Revision {from}
          </Link>{' '}
          (v{fromRevision.definition.version}) →{' '}
          <Link href={`${base}/revisions/${to}`} className="text-indigo-700 hover:underline">
            Revision {to}
          </Link>{' '}
          (v{toRevision.definition.version})
        </h2>
        <DefinitionDiffView
          diff={diffDefinitions(fromRevision.definition, toRevision.definition)}
          targetName={api.environment.name}
          noChanges={
            from === to
              ? 'The same revision on both sides: choose two different ones.'
              : `No differences: revisions ${from} and ${to} hold the same definition.`
          }
        />
      </section>
    </div>
  );
}
