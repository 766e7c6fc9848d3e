import type { Metadata } from 'next';

import { WebhookForm } from '@/components/webhooks/webhook-form';
import { WebhookList } from '@/components/webhooks/webhook-list';
import { requireActor } from '@/lib/auth/session';
import { listWebhooks } from '@/lib/webhooks/queries';

import { createWebhookAction } from '../../webhooks/actions';

export const metadata: Metadata = { title: 'Your webhooks' };

export default async function OwnWebhooksPage() {
  const actor = await requireActor();
  const webhooks = await listWebhooks(actor, 'self');
  return (
    <div className="max-w-4xl space-y-8">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Your webhooks</h1>
        <p className="text-sm text-slate-600">
          Stageway POSTs the events of the promotions you request to these URLs, signed with each
          webhook&apos;s secret (the README shows how to check the signature).
        </p>
      </div>
      <section aria-labelledby="add-webhook" className="space-y-3">
        <h2 id="add-webhook" className="text-lg font-semibold">
          Add a webhook
        </h2>
        <WebhookForm action={createWebhookAction} environmentKey="" />
      </section>
      <section aria-labelledby="your-webhooks" className="space-y-3">
        <h2 id="your-webhooks" className="text-lg font-semibold">
          Your webhooks
        </h2>
        <WebhookList webhooks={webhooks} empty="No webhook yet." />
      </section>
    </div>
  );
}
