import type { Metadata } from 'next';
import Link from 'next/link';

import { DateTime } from '@/components/ui/date-time';
import { auditActions, type AuditAction } from '@/lib/audit/actions';
import { diffChanges } from '@/lib/audit/diff-changes';
import { getAuditEvent } from '@/lib/audit/queries';
import { requireActor } from '@/lib/auth/session';
import { orNotFound } from '@/lib/page-data';

import { OutcomeBadge } from '../_components/outcome-badge';

export const metadata: Metadata = { title: 'Audit event' };

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

export default async function AuditEventPage({ params }: PageProps<'/audit/[seq]'>) {
  const { seq } = await params;
  const actor = await requireActor();
  const event = await orNotFound(getAuditEvent(actor, seq));
  const lines = event.changes ? diffChanges(event.changes.before, event.changes.after) : [];
  const facts: [string, React.ReactNode][] = [
    ['Time', <DateTime key="time" value={event.occurredAt} />],
    ['Actor', `${event.actorName} (${event.actorType}${event.actorId ? ` ${event.actorId}` : ''})`],
    ['Authentication', event.authMethod ?? '—'],
    ['Source IP', event.sourceIp ?? '—'],
    ['User agent', event.userAgent ?? '—'],
    ['Request id', event.requestId ?? '—'],
    ['Environments', event.environments.map((environment) => environment.name).join(', ') || '—'],
    [
      'Target',
      event.targetApi ? (
        <Link
          key="target"
          href={`/environments/${event.targetApi.environmentKey}/apis/${event.targetId}`}
          className="text-indigo-700 hover:underline"
        >
          API {event.targetApi.name}
        </Link>
      ) : event.targetType ? (
        `${event.targetType} ${event.targetId}`
      ) : (
        '—'
      ),
    ],
    ['Outcome', <OutcomeBadge key="outcome" outcome={event.outcome} />],
    ['Reason', event.reason ?? '—'],
    [
      'Hash',
      <code key="hash" className="break-all text-xs">
        {event.hash ?? 'recorded before hashing'}
      </code>,
    ],
  ];

  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-slate-500">
          <Link href="/audit" className="hover:underline">
            Audit trail
          </Link>
        </p>
        <h1 className="text-2xl font-bold tracking-tight">
          Event {event.seq} · {auditActions[event.action as AuditAction] ?? event.action}
        </h1>
      </div>
      <dl className="grid gap-x-6 gap-y-2 rounded-xl bg-white p-4 text-sm shadow-sm ring-1 ring-slate-200 sm:grid-cols-[12rem_1fr]">
        {facts.map(([term, value]) => (
          <div key={term} className="contents">
            <dt className="font-medium text-slate-500">{term}</dt>
            <dd className="text-slate-900">{value}</dd>
          </div>
        ))}
      </dl>

      <section aria-labelledby="changes" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
        <h2 id="changes" className="border-b border-slate-100 px-4 py-3 text-sm font-semibold">
          Changes
        </h2>
        {lines.length === 0 ? (
          <p className="px-4 py-4 text-sm text-slate-500">This event records no change.</p>
        ) : (
          <table className="min-w-full divide-y divide-slate-100 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-2">
                  Field
                </th>
                <th scope="col" className="px-4 py-2">
                  Before
                </th>
                <th scope="col" className="px-4 py-2">
                  After
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 font-mono text-xs">
              {lines.map((line) => (
                <tr key={line.path}>
                  <th scope="row" className="px-4 py-2 text-left font-medium text-slate-700">
                    {line.path}
                  </th>
                  <td className="whitespace-pre-wrap break-all bg-red-50/60 px-4 py-2 text-red-800">
                    {line.kind === 'added' ? '' : <del className="no-underline">{show(line.before)}</del>}
                  </td>
                  <td className="whitespace-pre-wrap break-all bg-emerald-50/60 px-4 py-2 text-emerald-800">
                    {line.kind === 'removed' ? '' : <ins className="no-underline">{show(line.after)}</ins>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {event.changes && (
          <details className="border-t border-slate-100 px-4 py-3 text-sm">
            <summary className="cursor-pointer text-slate-600">Before and after as recorded</summary>
            <div className="mt-2 grid gap-3 lg:grid-cols-2">
              <pre className="overflow-x-auto rounded bg-slate-50 p-3 text-xs">
                {JSON.stringify(event.changes.before ?? null, null, 2)}
              </pre>
              <pre className="overflow-x-auto rounded bg-slate-50 p-3 text-xs">
                {JSON.stringify(event.changes.after ?? null, null, 2)}
              </pre>
            </div>
          </details>
        )}
      </section>
    </div>
  );
}
