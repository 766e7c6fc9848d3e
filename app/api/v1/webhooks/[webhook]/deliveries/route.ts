import { apiRoute, json } from '@/lib/http/api-route';
import { toWebhookDelivery } from '@/lib/http/webhook-resources';
import { listWebhookDeliveries } from '@/lib/webhooks/queries';

/** The webhook's delivery log, newest first (keyset cursor). */
export const GET = apiRoute<{ webhook: string }>(async ({ actor, params, request }) => {
  const query = new URL(request.url).searchParams;
  const page = await listWebhookDeliveries(actor, params.webhook, {
    cursor: query.get('cursor') ?? undefined,
    limit: query.get('limit') ?? undefined,
  });
  return json({ items: page.items.map(toWebhookDelivery), nextCursor: page.nextCursor });
});
