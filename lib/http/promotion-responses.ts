import type { Actor } from '@/lib/auth/actor';
import { getPromotion } from '@/lib/promotions/queries';
import type { PromotionOutcome } from '@/lib/promotions/request-promotion';

import { json } from './api-route';
import { toDryRun, toPromotion } from './resources';

/** 200 with the preview for a dry run; otherwise 201 with the promotion and its Location. */
export async function promotionCreated(
  actor: Actor,
  apiId: string,
  outcome: PromotionOutcome,
): Promise<Response> {
  if (outcome.kind === 'dry_run') return json(toDryRun(apiId, outcome));
  return promotionResponse(actor, outcome.id, 201);
}

export async function promotionResponse(actor: Actor, promotionId: string, status = 200): Promise<Response> {
  const promotion = await getPromotion(actor, promotionId);
  return json(
    toPromotion(promotion),
    status,
    status === 201 ? { Location: `/api/v1/promotions/${promotionId}` } : {},
  );
}
