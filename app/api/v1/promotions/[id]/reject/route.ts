import { apiRoute } from '@/lib/http/api-route';
import { parseInput } from '@/lib/errors';
import { promotionResponse } from '@/lib/http/promotion-responses';
import { rejectPromotion, rejectPromotionInput } from '@/lib/promotions/reject-promotion';

export const POST = apiRoute<{ id: string }>(async ({ actor, params, body }) => {
  await rejectPromotion(actor, params.id, parseInput(rejectPromotionInput, body));
  return promotionResponse(actor, params.id);
});
