import type { Metadata } from 'next';
import Link from 'next/link';

import { buttonClass } from '@/components/ui/button';
import { DateTime } from '@/components/ui/date-time';
import { auditActions, type AuditAction } from '@/lib/audit/actions';
import {
  auditFilterParams,
  listAuditEvents,
  parseAuditFilters,
  resolveAuditScope,
} from '@/lib/audit/queries';
import { requireActor } from '@/lib/auth/session';
import { orNotFound } from '@/lib/page-data';

import { FilterForm } from './_components/filter-form';
import { OutcomeBadge } from './_components/outcome-badge';
import { VerifyButton } from './_components/verify-button';

export const metadata: Metadata = { title: 'Audit trail' };

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? '';

export default async function AuditPage({ searchParams }: PageProps<'/audit'>) {
  const params = await searchParams;
  const actor = await requireActor();
  const { filters, errors } = parseAuditFilters(params);
  const hasErrors = Object.keys(errors).length > 0;
  const cursor = first(params.cursor) || null;
  const before = first(params.before) || null;
  // With invalid filters nothing is listed, but the page (and the trail's existence) is still checked.
  const page = hasErrors
    ? {
        scope: await orNotFound(resolveAuditScope(actor, {})),
        items: [],
        nextCursor: null,
        previousCursor: null,
      }
    : await orNotFound(listAuditEvents(actor, filters, { cursor, before }));
  const query = auditFilterParams(filters);
  const withQuery = (extra: Record<string, string>) => {
    const next = new URLSearchParams(query);
    for (const [key, value] of Object.entries(extra)) next.set(key, value);
    return next.toString();
  };
  const values = {
    from: filters.from?.toISOString().slice(0, 16) ?? '',
    to: filters.to?.toISOString().slice(0, 16) ?? '',
    actor: filters.actor ?? '',
    action: filters.action ?? '',
    environment: filters.environment ?? '',
    outcome: filters.outcome ?? '',
    api: filters.api ?? '',
  };
  const apiLabel = page.scope.api
    ? `${page.scope.api.name} (${page.scope.api.environmentKey.toUpperCase()})`
    : null;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">Audit trail</h1>
          <p className="text-sm text-slate-600">
            {page.scope.environmentIds === null && !filters.environment
              ? 'Every recorded act in the organization.'
              : `Recorded acts in ${page.scope.environments
                  .filter((environment) => !filters.environment || environment.key === filters.environment)
                  .map((environment) => environment.name)
                  .join(', ')}.`}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <a
            href={`/api/v1/audit/export?${withQuery({ format: 'csv' })}`}
            className={buttonClass('secondary')}
            download
          >
            Export CSV
          </a>
          <a
            href={`/api/v1/audit/export?${withQuery({ format: 'ndjson' })}`}
            className={buttonClass('secondary')}
            download
          >
            Export NDJSON
          </a>
        </div>
      </div>
      {actor.isOrgAdmin && <VerifyButton />}
      <FilterForm
        values={values}
        errors={errors}
        environments={page.scope.environments}
        apiLabel={apiLabel}
      />
      {hasErrors && (
        <p role="status" className="rounded-md bg-red-50 p-3 text-sm text-red-700">
          Some filters are invalid: fix them to see events.
        </p>
      )}

      <div className="overflow-x-auto rounded-xl bg-surface shadow-sm ring-1 ring-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="px-4 py-3">
                Event
              </th>
              <th scope="col" className="px-4 py-3">
                Time
              </th>
              <th scope="col" className="px-4 py-3">
                Actor
              </th>
              <th scope="col" className="px-4 py-3">
                Action
              </th>
              <th scope="col" className="px-4 py-3">
                Environments
              </th>
              <th scope="col" className="px-4 py-3">
                Target
              </th>
              <th scope="col" className="px-4 py-3">
                Outcome
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {page.items.map((event) => (
              <tr key={event.seq} className="hover:bg-slate-50">
                <td className="px-4 py-2 font-mono">
                  <Link
                    href={`/audit/${event.seq}`}
                    className="text-indigo-700 hover:underline"
                    aria-label={`Event ${event.seq}`}
                  >
                    #{event.seq}
                  </Link>
                </td>
                <td className="whitespace-nowrap px-4 py-2 text-slate-600">
                  <DateTime value={event.occurredAt} />
                </td>
                <td className="px-4 py-2">
                  {event.actorName}
                  {event.actorType !== 'user' && <span className="text-slate-500"> ({event.actorType})</span>}
                  {event.sourceIp && <span className="block text-xs text-slate-500">{event.sourceIp}</span>}
                </td>
                <td className="px-4 py-2 font-medium">
                  {auditActions[event.action as AuditAction] ?? event.action}
                </td>
                <td className="px-4 py-2">
                  {event.environments.map((environment) => environment.name).join(', ')}
                </td>
                <td className="px-4 py-2 text-slate-700">
                  {event.targetType ? (
                    <>
                      {event.targetName ?? <span className="font-mono">{event.targetId?.slice(0, 8)}</span>}
                      <span className="block text-xs text-slate-500">{event.targetType}</span>
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td className="px-4 py-2">
                  <OutcomeBadge outcome={event.outcome} />
                  {event.reason && event.outcome !== 'success' && (
                    <span className="block max-w-xs truncate text-xs text-slate-500">{event.reason}</span>
                  )}
                </td>
              </tr>
            ))}
            {page.items.length === 0 && (
              <tr>
                <td colSpan={7} className="px-4 py-10 text-center text-slate-500">
                  No events match.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <nav aria-label="Pagination" className="flex justify-end gap-3 text-sm">
        {(cursor || before) && (
          <Link href={`/audit?${query}`} className="font-semibold text-indigo-700 hover:underline">
            Newest
          </Link>
        )}
        {page.previousCursor && (
          <Link
            href={`/audit?${withQuery({ before: page.previousCursor })}`}
            className="font-semibold text-indigo-700 hover:underline"
          >
            Newer events
          </Link>
        )}
        {page.nextCursor && (
          <Link
            href={`/audit?${withQuery({ cursor: page.nextCursor })}`}
            className="font-semibold text-indigo-700 hover:underline"
          >
            Older events
          </Link>
        )}
      </nav>
    </div>
  );
}
