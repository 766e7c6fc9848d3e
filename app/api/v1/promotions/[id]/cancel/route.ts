import { apiRoute } from '@/lib/http/api-route';
import { promotionResponse } from '@/lib/http/promotion-responses';
import { cancelPromotion } from '@/lib/promotions/cancel-promotion';

export const POST = apiRoute<{ id: string }>(async ({ actor, params }) => {
  await cancelPromotion(actor, params.id);
  return promotionResponse(actor, params.id);
});
