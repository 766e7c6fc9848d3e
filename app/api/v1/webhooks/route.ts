import { apiRoute, json } from '@/lib/http/api-route';
import { toWebhook } from '@/lib/http/webhook-resources';
import { listWebhooks } from '@/lib/webhooks/queries';
import { createWebhook } from '@/lib/webhooks/webhook-writes';

/** The caller's own webhooks: events of the promotions they requested. */
export const GET = apiRoute(async ({ actor }) => {
  const items = await listWebhooks(actor, 'self');
  return json({ items: items.map((webhook) => toWebhook(webhook, null)) });
});

/** A webhook of the caller's own; its signing secret is in this response only. */
export const POST = apiRoute(async ({ actor, body }) => {
  const { webhook, secret } = await createWebhook(actor, 'self', body as never);
  return json({ ...toWebhook(webhook, null), secret }, 201);
});
