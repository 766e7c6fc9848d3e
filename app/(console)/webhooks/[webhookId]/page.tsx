import type { Metadata } from 'next';
import Link from 'next/link';

import { Badge, type BadgeTone } from '@/components/ui/badge';
import { DateTime } from '@/components/ui/date-time';
import {
  DeleteWebhookButton,
  RedeliverButton,
  RotateSecretButton,
} from '@/components/webhooks/webhook-actions';
import { WebhookForm } from '@/components/webhooks/webhook-form';
import { requireActor } from '@/lib/auth/session';
import { orNotFound } from '@/lib/page-data';
import { listWebhookDeliveries } from '@/lib/webhooks/queries';

import {
  deleteWebhookAction,
  redeliverAction,
  rotateWebhookSecretAction,
  updateWebhookAction,
} from '../actions';

export const metadata: Metadata = { title: 'Webhook' };

const statusTone: Record<string, BadgeTone> = { pending: 'amber', succeeded: 'green', failed: 'red' };

export default async function WebhookPage({ params, searchParams }: PageProps<'/webhooks/[webhookId]'>) {
  const { webhookId } = await params;
  const { cursor } = await searchParams;
  const actor = await requireActor();
  const { webhook, items, nextCursor } = await orNotFound(
    listWebhookDeliveries(actor, webhookId, { cursor: typeof cursor === 'string' ? cursor : undefined }),
  );
  const back = webhook.environmentKey
    ? {
        href: `/environments/${webhook.environmentKey}/webhooks`,
        label: `Webhooks of ${webhook.environmentName}`,
      }
    : { href: '/settings/webhooks', label: 'Your webhooks' };

  return (
    <div className="max-w-5xl space-y-8">
      <div>
        <p className="text-sm text-slate-500">
          <Link href={back.href} className="hover:underline">
            {back.label}
          </Link>
        </p>
        <h1 className="break-all text-2xl font-bold tracking-tight">{webhook.url}</h1>
      </div>

      <section aria-labelledby="webhook-settings" className="space-y-3">
        <h2 id="webhook-settings" className="text-lg font-semibold">
          Settings
        </h2>
        <WebhookForm
          action={updateWebhookAction}
          environmentKey={webhook.environmentKey ?? ''}
          webhook={webhook}
        />
        <div className="flex flex-wrap items-start gap-3 pt-2">
          <RotateSecretButton action={rotateWebhookSecretAction} webhookId={webhook.id} />
          <DeleteWebhookButton
            action={deleteWebhookAction}
            webhookId={webhook.id}
            environmentKey={webhook.environmentKey ?? ''}
          />
        </div>
      </section>

      <section aria-labelledby="deliveries" className="space-y-3">
        <h2 id="deliveries" className="text-lg font-semibold">
          Deliveries
        </h2>
        {items.length === 0 ? (
          <p className="text-sm text-slate-500">Nothing sent yet{cursor ? ' before these' : ''}.</p>
        ) : (
          <div className="overflow-x-auto rounded-xl bg-surface shadow-sm ring-1 ring-slate-200">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <thead className="text-left text-xs uppercase text-slate-500">
                <tr>
                  <th className="px-3 py-2">Event</th>
                  <th className="px-3 py-2">Status</th>
                  <th className="px-3 py-2">Attempts</th>
                  <th className="px-3 py-2">Last answer</th>
                  <th className="px-3 py-2">Last attempt</th>
                  <th className="px-3 py-2">Next retry</th>
                  <th className="px-3 py-2">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {items.map((delivery) => (
                  <tr key={delivery.id} className="align-top">
                    <td className="px-3 py-2">
                      <span className="font-mono text-xs">{delivery.eventType}</span>
                      <span className="block text-xs text-slate-500">
                        event {delivery.eventId.slice(0, 8)}
                      </span>
                    </td>
                    <td className="px-3 py-2">
                      <Badge tone={statusTone[delivery.status] ?? 'gray'}>{delivery.status}</Badge>
                    </td>
                    <td className="px-3 py-2">{delivery.attempts}</td>
                    <td className="px-3 py-2">
                      {delivery.responseStatus !== null ? (
                        <span>
                          HTTP {delivery.responseStatus}
                          {delivery.durationMs !== null && ` · ${delivery.durationMs} ms`}
                        </span>
                      ) : (
                        <span className="text-red-700">{delivery.error ?? '—'}</span>
                      )}
                      {delivery.responseExcerpt && (
                        <span
                          className="mt-1 block max-w-xs truncate font-mono text-xs text-slate-500"
                          title={delivery.responseExcerpt}
                        >
                          {delivery.responseExcerpt}
                        </span>
                      )}
                    </td>
                    <td className="px-3 py-2">
                      {delivery.lastAttemptAt ? <DateTime value={delivery.lastAttemptAt} /> : '—'}
                    </td>
                    <td className="px-3 py-2">
                      {delivery.nextAttemptAt ? <DateTime value={delivery.nextAttemptAt} /> : '—'}
                    </td>
                    <td className="px-3 py-2">
                      {delivery.status !== 'pending' && (
                        <RedeliverButton
                          action={redeliverAction}
                          webhookId={webhook.id}
                          deliveryId={delivery.id}
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div className="flex gap-3 text-sm">
          {cursor && (
            <Link href={`/webhooks/${webhook.id}`} className="text-indigo-700 hover:underline">
              Newest
            </Link>
          )}
          {nextCursor && (
            <Link
              href={`/webhooks/${webhook.id}?cursor=${nextCursor}`}
              className="text-indigo-700 hover:underline"
            >
              Older deliveries
            </Link>
          )}
        </div>
      </section>
    </div>
  );
}
