import type { Actor } from '@/lib/auth/actor';
import { getPromotion } from '@/lib/promotions/queries';
import type { PromotionOutcome } from '@/lib/promotions/request-promotion';

import { json } from './api-route';
import { toDryRun, toPromotion } from './resources';

/**
 * 200 with the preview for a dry run; 202 while an async apply runs (GET the Location for the
 * outcome); otherwise 201 with the promotion and its Location.
 */
export async function promotionCreated(
  actor: Actor,
  apiId: string,
  outcome: PromotionOutcome,
): Promise<Response> {
  if (outcome.kind === 'dry_run') return json(toDryRun(apiId, outcome));
  return promotionResponse(actor, outcome.id, outcome.kind === 'applying' ? 202 : 201);
}

export async function promotionResponse(actor: Actor, promotionId: string, status = 200): Promise<Response> {
  const promotion = await getPromotion(actor, promotionId);
  const headers: Record<string, string> =
    status === 200 ? {} : { Location: `/api/v1/promotions/${promotionId}` };
  return json(toPromotion(promotion), status, headers);
}

/** `?async=true` (or 1): run the apply as a job and answer 202. */
export function isAsync(request: Request): boolean {
  return ['true', '1'].includes(new URL(request.url).searchParams.get('async') ?? '');
}
