'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';

import { formAction } from '@/lib/actions/form-action';
import {
  createWebhook,
  deleteWebhook,
  redeliverWebhookDelivery,
  rotateWebhookSecret,
  updateWebhook,
} from '@/lib/webhooks/webhook-writes';

// Each action is a public endpoint: formAction authenticates, and the domain functions authorize and
// validate, so the schemas here only shape the form data. Events come as one checkbox each
// (`event:promotion.accepted`), the owner as the environment key (empty: the user's own).

const webhookForm = z
  .object({
    url: z.string().default(''),
    active: z.string().optional(),
    environmentKey: z.string().default(''),
  })
  .catchall(z.string());

type WebhookForm = z.infer<typeof webhookForm>;

const eventsOf = (form: WebhookForm) =>
  Object.keys(form)
    .filter((key) => key.startsWith('event:'))
    .map((key) => key.slice('event:'.length));

const placeOf = (environmentKey: string) =>
  environmentKey ? `/environments/${environmentKey}/webhooks` : '/settings/webhooks';

export const createWebhookAction = formAction(
  webhookForm,
  async (actor, form) => {
    const owner = form.environmentKey ? { environment: form.environmentKey } : ('self' as const);
    const created = await createWebhook(actor, owner, {
      url: form.url,
      events: eventsOf(form) as never,
      active: form.active === 'on',
    });
    return created;
  },
  ({ webhook, secret }) => {
    // The secret goes back to the browser this once, in the action's answer; it is stored encrypted.
    return {
      status: 'success',
      message: `Webhook to ${webhook.url} created.`,
      values: { secret, webhookId: webhook.id },
    };
  },
);

export const updateWebhookAction = formAction(
  webhookForm.extend({ webhookId: z.string() }),
  (actor, form) =>
    updateWebhook(actor, form.webhookId, {
      url: form.url,
      events: eventsOf(form) as never,
      active: form.active === 'on',
    }),
  (webhook) => ({ status: 'success', message: `Webhook to ${webhook.url} saved.` }),
);

export const rotateWebhookSecretAction = formAction(
  z.object({ webhookId: z.string() }),
  (actor, form) => rotateWebhookSecret(actor, form.webhookId),
  ({ secret }) => ({
    status: 'success',
    message: 'A new secret signs every delivery from now on.',
    values: { secret },
  }),
);

export const deleteWebhookAction = formAction(
  z.object({ webhookId: z.string(), environmentKey: z.string().default('') }),
  async (actor, form) => {
    await deleteWebhook(actor, form.webhookId);
    return placeOf(form.environmentKey);
  },
  (place) => redirect(place),
);

export const redeliverAction = formAction(
  z.object({ webhookId: z.string(), deliveryId: z.string() }),
  (actor, form) => redeliverWebhookDelivery(actor, form.webhookId, form.deliveryId),
  () => ({ status: 'success', message: 'Queued again, with the same event id.' }),
);
