import Link from 'next/link';

import { Badge } from '@/components/ui/badge';
import { DateTime } from '@/components/ui/date-time';
import type { WebhookView } from '@/lib/webhooks/webhook-writes';

/** Webhooks, each linking to its page (settings and delivery log). */
export function WebhookList({ webhooks, empty }: { webhooks: WebhookView[]; empty: string }) {
  if (!webhooks.length) {
    return (
      <p className="rounded-xl bg-surface p-6 text-center text-sm text-slate-500 shadow-sm ring-1 ring-slate-200">
        {empty}
      </p>
    );
  }
  return (
    <ul
      aria-label="Webhooks"
      className="divide-y divide-slate-100 rounded-xl bg-surface shadow-sm ring-1 ring-slate-200"
    >
      {webhooks.map((webhook) => (
        <li key={webhook.id} className="flex flex-wrap items-center justify-between gap-2 px-4 py-3">
          <div className="min-w-0 space-y-1">
            <Link
              href={`/webhooks/${webhook.id}`}
              className="break-all font-mono text-sm text-indigo-700 hover:underline"
            >
              {webhook.url}
            </Link>
            <p className="text-xs text-slate-500">{webhook.events.join(', ')}</p>
          </div>
          <div className="flex items-center gap-3 text-xs text-slate-500">
            <Badge tone={webhook.active ? 'green' : 'gray'}>{webhook.active ? 'active' : 'off'}</Badge>
            <span>
              added <DateTime value={webhook.createdAt} />
            </span>
          </div>
        </li>
      ))}
    </ul>
  );
}
