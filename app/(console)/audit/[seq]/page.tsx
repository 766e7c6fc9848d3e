import type { Metadata } from 'next';
import Link from 'next/link';

import { ChangeTable } from '@/components/diff/change-table';
import { DateTime } from '@/components/ui/date-time';
import { auditActions, type AuditAction } from '@/lib/audit/actions';
import { diffValues } from '@/lib/diff';
import { getAuditEvent } from '@/lib/audit/queries';
import { requireActor } from '@/lib/auth/session';
import { orNotFound } from '@/lib/page-data';

import { OutcomeBadge } from '../_components/outcome-badge';

export const metadata: Metadata = { title: 'Audit event' };

export default async function AuditEventPage({ params }: PageProps<'/audit/[seq]'>) {
  const { seq } = await params;
  const actor = await requireActor();
  const event = await orNotFound(getAuditEvent(actor, seq));
  const lines = event.changes ? diffValues(event.changes.before, event.changes.after) : [];
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
        `${event.targetType} ${event.targetName ? `${event.targetName} (${event.targetId})` : event.targetId}`
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
      <dl className="grid gap-x-6 gap-y-2 rounded-xl bg-surface p-4 text-sm shadow-sm ring-1 ring-slate-200 sm:grid-cols-[12rem_1fr]">
        {facts.map(([term, value]) => (
          <div key={term} className="contents">
            <dt className="font-medium text-slate-500">{term}</dt>
            <dd className="text-slate-900">{value}</dd>
          </div>
        ))}
      </dl>

      <section aria-labelledby="changes" className="rounded-xl bg-surface shadow-sm ring-1 ring-slate-200">
        <h2 id="changes" className="border-b border-slate-100 px-4 py-3 text-sm font-semibold">
          Changes
        </h2>
        {lines.length === 0 ? (
          <p className="px-4 py-4 text-sm text-slate-500">This event records no change.</p>
        ) : (
          <ChangeTable changes={lines} />
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
