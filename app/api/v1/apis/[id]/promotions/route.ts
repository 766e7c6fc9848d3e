import { apiRoute } from '@/lib/http/api-route';
import { parseInput } from '@/lib/errors';
import { isAsync, promotionCreated } from '@/lib/http/promotion-responses';
import { promotionBody } from '@/lib/http/resources';
import { requestPromotion } from '@/lib/promotions/request-promotion';

/**
 * Requests (or, with mode=direct, applies; with type=dry_run, previews) a promotion of this API.
 * `?async=true` with mode=direct runs the apply as a job: 202 with the promotion `applying`.
 */
export const POST = apiRoute<{ id: string }>(async ({ actor, request, params, body }) => {
  const input = parseInput(promotionBody, body);
  return promotionCreated(
    actor,
    params.id,
    await requestPromotion(actor, { ...input, apiId: params.id }, { async: isAsync(request) }),
  );
});
