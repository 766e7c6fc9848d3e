import { apiRoute, json } from '@/lib/http/api-route';
import { parseInput } from '@/lib/errors';
import { toPromotion } from '@/lib/http/resources';
import { listPromotions, promotionFilters } from '@/lib/promotions/queries';

/** Promotions the caller may see; `status=pending` is the caller's inbox (what they may decide). */
export const GET = apiRoute(async ({ actor, request }) => {
  const filters = parseInput(promotionFilters, Object.fromEntries(new URL(request.url).searchParams));
  const page = await listPromotions(actor, filters);
  return json({ items: page.items.map(toPromotion), nextCursor: page.nextCursor });
});
