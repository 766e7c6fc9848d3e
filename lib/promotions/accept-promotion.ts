import { z } from 'zod';

import { runAudited } from '@/lib/audit/run-audited';
import type { Actor } from '@/lib/auth/actor';
import { AppError, uniqueViolation } from '@/lib/errors';
import { getQueue } from '@/lib/jobs/queue';

import { applyPromotion, type AppliedPromotion } from './apply-promotion';
import { queuePromotionApply } from './apply-queued-promotion';
import { finishDecision, lockForDecision } from './decision';

export const acceptPromotionInput = z.object({
  comment: z.string().trim().max(2000, 'At most 2000 characters').optional(),
});

/**
 * Accepts a pending promotion and applies it, in one transaction: re-checks the permission the
 * decision needs as things stand now (create or update in the target), refuses the requester unless
 * the target allows self-approval, creates or updates the API in the target, marks the promotion
 * accepted (only if still pending) and audits both. With `async`, the decision is recorded now
 * (status `applying`) and the apply runs as a job enqueued in the same transaction.
 */
export async function acceptPromotion(
  actor: Actor,
  promotionId: string,
  input?: z.input<typeof acceptPromotionInput>,
  options?: { async?: false },
): Promise<{ promotionId: string; result: AppliedPromotion }>;
export async function acceptPromotion(
  actor: Actor,
  promotionId: string,
  input: z.input<typeof acceptPromotionInput>,
  options: { async: boolean },
): Promise<{ promotionId: string; result: AppliedPromotion | null }>;
export async function acceptPromotion(
  actor: Actor,
  promotionId: string,
  input: z.input<typeof acceptPromotionInput> = {},
  options: { async?: boolean } = {},
): Promise<{ promotionId: string; result: AppliedPromotion | null }> {
  const { comment } = acceptPromotionInput.parse(input);
  // Started outside the transaction: on PGlite, starting it inside would wait on the transaction itself.
  if (options.async) await getQueue();
  try {
    return await runAudited(actor, async (tx) => {
      const context = await lockForDecision(tx, actor, promotionId, 'promotion.accepted');
      if (options.async) {
        await finishDecision(tx, actor, context, { status: 'applying', reason: comment });
        await queuePromotionApply(tx, promotionId);
        return { promotionId, result: null };
      }
      const result = await applyPromotion(tx, actor, context);
      await finishDecision(tx, actor, context, {
        status: 'accepted',
        reason: comment,
        targetApiId: result.apiId,
        result,
      });
      return { promotionId, result };
    });
  } catch (error) {
    // Two promotions with one context path racing into the same environment: the index decides.
    if (uniqueViolation(error)?.constraint === 'apis_environment_context_path_key') {
      throw new AppError(
        'conflict',
        'The context path is already used by another API in the target environment.',
      );
    }
    throw error;
  }
}
