import { apiRoute, json } from '@/lib/http/api-route';
import { rotateWebhookSecret } from '@/lib/webhooks/webhook-writes';

/** A new signing secret, in this response only; the old one stops signing at once. */
export const POST = apiRoute<{ webhook: string }>(async ({ actor, params }) => {
  const { secret } = await rotateWebhookSecret(actor, params.webhook);
  return json({ secret });
});
