import { apiRoute, json } from '@/lib/http/api-route';
import { toWebhook } from '@/lib/http/webhook-resources';
import { getWebhook } from '@/lib/webhooks/queries';
import { deleteWebhook, updateWebhook } from '@/lib/webhooks/webhook-writes';

type Params = { webhook: string };

/** A webhook the caller manages: their own, or one of an environment they administer. */
export const GET = apiRoute<Params>(async ({ actor, params }) => {
  const webhook = await getWebhook(actor, params.webhook);
  return json(toWebhook(webhook, webhook.environmentKey));
});

/** Changes its URL, events or active flag; 422 when nothing changes. */
export const PATCH = apiRoute<Params>(async ({ actor, params, body }) => {
  await updateWebhook(actor, params.webhook, body as never);
  const webhook = await getWebhook(actor, params.webhook);
  return json(toWebhook(webhook, webhook.environmentKey));
});

/** Deletes it and its delivery log. */
export const DELETE = apiRoute<Params>(async ({ actor, params }) => {
  await deleteWebhook(actor, params.webhook);
  return new Response(null, { status: 204 });
});
