import { apiRoute } from '@/lib/http/api-route';
import { parseInput } from '@/lib/errors';
import { isAsync, promotionResponse } from '@/lib/http/promotion-responses';
import { approvePromotion, approvePromotionInput } from '@/lib/promotions/approve-promotion';

/**
 * Approves; when the approvals meet the target's policy the promotion is applied (200, `accepted`), or
 * with `?async=true` applied in a job (202, `applying`). Otherwise 200, still `pending`, with progress.
 */
export const POST = apiRoute<{ id: string }>(async ({ actor, request, params, body }) => {
  const async = isAsync(request);
  const outcome = await approvePromotion(actor, params.id, parseInput(approvePromotionInput, body), {
    async,
  });
  return promotionResponse(actor, params.id, outcome.status === 'applying' ? 202 : 200);
});
