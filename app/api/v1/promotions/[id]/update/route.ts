import { apiRoute } from '@/lib/http/api-route';
import { promotionResponse } from '@/lib/http/promotion-responses';
import { updatePromotionRequest } from '@/lib/promotions/update-promotion-request';

/** The requester brings a pending request up to date with the source: 201 with the new request. */
export const POST = apiRoute<{ id: string }>(async ({ actor, params }) => {
  const { promotionId } = await updatePromotionRequest(actor, params.id);
  return promotionResponse(actor, promotionId, 201);
});
