import type { Metadata } from 'next';
import Link from 'next/link';

import { DefinitionView } from '@/components/apis/definition-view';
import { LifecycleBadge } from '@/components/apis/lifecycle-badge';
import { PromoteDialog } from '@/components/promotions/promote-dialog';
import { PromotionStatusBadge } from '@/components/promotions/status-badge';
import { Badge } from '@/components/ui/badge';
import { buttonClass } from '@/components/ui/button';
import { DateTime } from '@/components/ui/date-time';
import { getApi, listApiMembers, listRevisions } from '@/lib/apis/queries';
import { canReadAuditOf } from '@/lib/audit/queries';
import { requireActor } from '@/lib/auth/session';
import { orNotFound } from '@/lib/page-data';
import { listPromotionsOfApi, listPromotionTargets } from '@/lib/promotions/queries';

import { requestPromotionAction } from '@/app/(console)/promotions/actions';

export const metadata: Metadata = { title: 'API' };

export default async function ApiPage({
  params,
  searchParams,
}: PageProps<'/environments/[envKey]/apis/[apiId]'>) {
  const { envKey, apiId } = await params;
  const { before, saved } = await searchParams;
  const actor = await requireActor();
  const api = await orNotFound(getApi(actor, envKey, apiId));
  const beforeRevision = Number(before) || null;
  const [membership, revisions, promotionHistory, targets] = await Promise.all([
    api.canSeeMembers ? listApiMembers(api) : null,
    listRevisions(api, { before: beforeRevision }),
    listPromotionsOfApi(actor, api),
    api.canPromote ? listPromotionTargets(actor, api) : [],
  ]);
  const { definition } = api;
  const base = `/environments/${envKey}/apis/${api.id}`;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="space-y-1">
          <p className="text-sm text-slate-500">
            <Link href={`/environments/${envKey}/apis`} className="hover:underline">
              APIs in {api.environment.name}
            </Link>
          </p>
          <h1 className="flex flex-wrap items-center gap-3 text-2xl font-bold tracking-tight">
            {definition.name}
            <Badge tone="indigo">v{definition.version}</Badge>
            <LifecycleBadge state={api.lifecycleState} />
          </h1>
          <p className="font-mono text-sm text-slate-600">{definition.contextPath}</p>
          {definition.description && (
            <p className="max-w-3xl text-sm text-slate-700">{definition.description}</p>
          )}
          <p className="text-xs text-slate-500">
            Revision {api.currentRevision} · changed <DateTime value={api.updatedAt} />
            {api.updatedByName && <> by {api.updatedByName}</>} · cross id <code>{api.crossId}</code>
            {canReadAuditOf(actor, api.environmentId) && (
              <>
                {' · '}
                <Link href={`/audit?api=${api.id}`} className="text-indigo-700 underline">
                  Audit history
                </Link>
              </>
            )}
          </p>
        </div>
        <div className="flex items-start gap-3">
          {api.canUpdateDefinition && (
            <Link href={`${base}/edit`} className={buttonClass('secondary')}>
              Edit definition
            </Link>
          )}
          {api.canPromote && (
            <PromoteDialog
              requestAction={requestPromotionAction}
              revisions={revisions.items.map(({ revision, message }) => ({ revision, message }))}
              apiId={api.id}
              apiName={definition.name}
              sourceName={api.environment.name}
              targets={targets}
              whyCannotPromote={api.whyCannotPromote}
            />
          )}
        </div>
      </div>

      {saved && (
        <p role="status" className="rounded-md bg-emerald-50 p-3 text-sm text-emerald-700">
          Saved as revision {String(saved)}.
        </p>
      )}

      <DefinitionView definition={definition} />

      <section aria-labelledby="promotions" className="rounded-xl bg-surface shadow-sm ring-1 ring-slate-200">
        <h2 id="promotions" className="border-b border-slate-100 px-4 py-3 text-sm font-semibold">
          Promotions
        </h2>
        {promotionHistory.length ? (
          <table className="min-w-full divide-y divide-slate-100 text-sm">
            <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-2">
                  What travelled
                </th>
                <th scope="col" className="px-4 py-2">
                  Status
                </th>
                <th scope="col" className="px-4 py-2">
                  Requested
                </th>
                <th scope="col" className="px-4 py-2">
                  Decided
                </th>
                <th scope="col" className="px-4 py-2">
                  Comment or reason
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {promotionHistory.map((promotion) => (
                <tr key={promotion.id}>
                  <td className="px-4 py-2">
                    <Link
                      href={`/promotions/${promotion.id}`}
                      className="font-medium text-indigo-700 hover:underline"
                    >
                      Revision {promotion.sourceRevision}: {promotion.sourceName} → {promotion.targetName}
                    </Link>
                  </td>
                  <td className="px-4 py-2">
                    <PromotionStatusBadge status={promotion.status} />
                  </td>
                  <td className="px-4 py-2 text-slate-600">
                    {promotion.requestedByName} · <DateTime value={promotion.createdAt} />
                  </td>
                  <td className="px-4 py-2 text-slate-600">
                    {promotion.decidedAt ? (
                      <>
                        {promotion.decidedByName} · <DateTime value={promotion.decidedAt} />
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td className="px-4 py-2 text-slate-700">{promotion.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="p-4 text-sm text-slate-500">This API has not been promoted yet.</p>
        )}
      </section>

      <div className="grid gap-4 lg:grid-cols-2">
        {membership && (
          <section
            aria-labelledby="members"
            className="rounded-xl bg-surface shadow-sm ring-1 ring-slate-200"
          >
            <h2 id="members" className="border-b border-slate-100 px-4 py-3 text-sm font-semibold">
              Members and groups
            </h2>
            <div className="space-y-4 p-4 text-sm">
              <ul className="space-y-1">
                {membership.members.map((member) => (
                  <li key={member.userId} className="flex items-center justify-between gap-2">
                    <span>
                      {member.name} <span className="text-slate-500">{member.email}</span>
                    </span>
                    <Badge tone={member.role === 'PRIMARY_OWNER' ? 'indigo' : 'gray'}>{member.role}</Badge>
                  </li>
                ))}
                {membership.members.length === 0 && <li className="text-slate-500">No direct members.</li>}
              </ul>
              <div>
                <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Groups</h3>
                <ul className="space-y-1">
                  {membership.groups.map((group) => (
                    <li key={group.id} className="flex items-center justify-between">
                      <span>{group.name}</span>
                      <span className="text-slate-500">
                        {group.memberCount} member{group.memberCount === 1 ? '' : 's'}
                      </span>
                    </li>
                  ))}
                  {membership.groups.length === 0 && <li className="text-slate-500">No groups.</li>}
                </ul>
              </div>
              <p className="text-xs text-slate-500">
                Members and groups stay in this environment: they never travel with a promotion.
              </p>
            </div>
          </section>
        )}

        <section
          aria-labelledby="revisions"
          className="rounded-xl bg-surface shadow-sm ring-1 ring-slate-200"
        >
          <h2 id="revisions" className="border-b border-slate-100 px-4 py-3 text-sm font-semibold">
            Revision history
          </h2>
          {api.currentRevision > 1 && (
            <p className="border-b border-slate-100 px-4 py-2 text-sm">
              <Link href={`${base}/compare`} className="font-semibold text-indigo-700 hover:underline">
                Compare revisions
              </Link>
            </p>
          )}
          <ol className="divide-y divide-slate-100 text-sm">
            {revisions.items.map((revision) => (
              <li
                key={revision.revision}
                className="flex flex-wrap items-baseline justify-between gap-2 px-4 py-2"
              >
                <span>
                  <Link
                    href={`${base}/revisions/${revision.revision}`}
                    className="font-medium text-indigo-700 hover:underline"
                  >
                    Revision {revision.revision}
                  </Link>
                  {revision.revision === api.currentRevision && (
                    <span className="ml-2">
                      <Badge tone="green">current</Badge>
                    </span>
                  )}
                  {revision.message && <span className="ml-2 text-slate-700">{revision.message}</span>}
                  {revision.revision > 1 && (
                    <Link
                      href={`${base}/compare?from=${revision.revision - 1}&to=${revision.revision}`}
                      className="ml-2 text-xs font-semibold text-indigo-700 hover:underline"
                      aria-label={`Compare revision ${revision.revision} with the one before`}
                    >
                      changes
                    </Link>
                  )}
                </span>
                <span className="text-xs text-slate-500">
                  <DateTime value={revision.createdAt} />
                  {revision.createdByName && <> · {revision.createdByName}</>}
                </span>
              </li>
            ))}
          </ol>
          {revisions.nextCursor && (
            <p className="border-t border-slate-100 px-4 py-2 text-sm">
              <Link
                href={`${base}?before=${revisions.nextCursor}`}
                className="font-semibold text-indigo-700 hover:underline"
              >
                Older revisions
              </Link>
            </p>
          )}
        </section>
      </div>
    </div>
  );
}
