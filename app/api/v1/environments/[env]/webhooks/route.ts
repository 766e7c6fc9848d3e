import { apiRoute, json } from '@/lib/http/api-route';
import { toWebhook } from '@/lib/http/webhook-resources';
import { listWebhooks } from '@/lib/webhooks/queries';
import { createWebhook } from '@/lib/webhooks/webhook-writes';

/** The environment's webhooks (environment admins). */
export const GET = apiRoute<{ env: string }>(async ({ actor, params }) => {
  const items = await listWebhooks(actor, { environment: params.env });
  return json({ items: items.map((webhook) => toWebhook(webhook, params.env)) });
});

/** A webhook for the environment's promotions; its signing secret is in this response only. */
export const POST = apiRoute<{ env: string }>(async ({ actor, params, body }) => {
  const { webhook, secret } = await createWebhook(actor, { environment: params.env }, body as never);
  return json({ ...toWebhook(webhook, params.env), secret }, 201);
});
