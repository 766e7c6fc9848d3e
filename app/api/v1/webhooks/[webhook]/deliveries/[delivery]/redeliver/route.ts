import { apiRoute, json } from '@/lib/http/api-route';
import { redeliverWebhookDelivery } from '@/lib/webhooks/webhook-writes';

/** Sends a finished delivery again, with the same event id; 409 while it is still being retried. */
export const POST = apiRoute<{ webhook: string; delivery: string }>(async ({ actor, params }) => {
  await redeliverWebhookDelivery(actor, params.webhook, params.delivery);
  return json({ status: 'pending' }, 202);
});
