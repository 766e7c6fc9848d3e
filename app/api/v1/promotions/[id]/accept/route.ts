import { apiRoute, parseInput } from '@/lib/http/api-route';
import { isAsync, promotionResponse } from '@/lib/http/promotion-responses';
import { acceptPromotion, acceptPromotionInput } from '@/lib/promotions/accept-promotion';

/** Accepts and applies; `?async=true` records the decision and applies in a job (202, `applying`). */
export const POST = apiRoute<{ id: string }>(async ({ actor, request, params, body }) => {
  const async = isAsync(request);
  await acceptPromotion(actor, params.id, parseInput(acceptPromotionInput, body), { async });
  return promotionResponse(actor, params.id, async ? 202 : 200);
});
