import { apiRoute, parseInput } from '@/lib/http/api-route';
import { promotionResponse } from '@/lib/http/promotion-responses';
import { acceptPromotion, acceptPromotionInput } from '@/lib/promotions/accept-promotion';

export const POST = apiRoute<{ id: string }>(async ({ actor, params, body }) => {
  await acceptPromotion(actor, params.id, parseInput(acceptPromotionInput, body));
  return promotionResponse(actor, params.id);
});
