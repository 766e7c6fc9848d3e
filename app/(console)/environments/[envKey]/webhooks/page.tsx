import type { Metadata } from 'next';
import Link from 'next/link';

import { WebhookForm } from '@/components/webhooks/webhook-form';
import { WebhookList } from '@/components/webhooks/webhook-list';
import { requireActor } from '@/lib/auth/session';
import { getEnvironmentSettings } from '@/lib/environments/queries';
import { orNotFound } from '@/lib/page-data';
import { listWebhooks } from '@/lib/webhooks/queries';

import { createWebhookAction } from '../../../webhooks/actions';

export const metadata: Metadata = { title: 'Environment webhooks' };

export default async function EnvironmentWebhooksPage({
  params,
}: PageProps<'/environments/[envKey]/webhooks'>) {
  const { envKey } = await params;
  const actor = await requireActor();
  // Its admins' page: anyone else gets the 404 they would get for an environment they cannot see.
  const [webhooks, environment] = await orNotFound(
    Promise.all([listWebhooks(actor, { environment: envKey }), getEnvironmentSettings(actor, envKey)]),
  );
  return (
    <div className="max-w-4xl space-y-8">
      <div>
        <p className="text-sm text-slate-500">
          <Link href={`/environments/${environment.key}/policy`} className="hover:underline">
            Policy of {environment.name}
          </Link>
        </p>
        <h1 className="text-2xl font-bold tracking-tight">Webhooks of {environment.name}</h1>
        <p className="text-sm text-slate-600">
          Stageway POSTs the events of every promotion from or into {environment.name} to these URLs, signed
          with each webhook&apos;s secret.
        </p>
      </div>
      <section aria-labelledby="add-webhook" className="space-y-3">
        <h2 id="add-webhook" className="text-lg font-semibold">
          Add a webhook
        </h2>
        <WebhookForm action={createWebhookAction} environmentKey={environment.key} />
      </section>
      <section aria-labelledby="environment-webhooks" className="space-y-3">
        <h2 id="environment-webhooks" className="text-lg font-semibold">
          Webhooks
        </h2>
        <WebhookList webhooks={webhooks} empty={`No webhook for ${environment.name} yet.`} />
      </section>
    </div>
  );
}
