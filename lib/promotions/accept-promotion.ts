import { z } from 'zod';

import { runAudited } from '@/lib/audit/run-audited';
import type { Actor } from '@/lib/auth/actor';
import { AppError, uniqueViolation } from '@/lib/errors';

import { applyPromotion, type AppliedPromotion } from './apply-promotion';
import { finishDecision, lockForDecision } from './decision';

export const acceptPromotionInput = z.object({
  comment: z.string().trim().max(2000, 'At most 2000 characters').optional(),
});

/**
 * Accepts a pending promotion and applies it, in one transaction: re-checks the permission the
 * decision needs as things stand now (create or update in the target), refuses the requester unless
 * the target allows self-approval, creates or updates the API in the target, marks the promotion
 * accepted (only if still pending) and audits both.
 */
export async function acceptPromotion(
  actor: Actor,
  promotionId: string,
  input: z.input<typeof acceptPromotionInput> = {},
): Promise<{ promotionId: string; result: AppliedPromotion }> {
  const { comment } = acceptPromotionInput.parse(input);
  try {
    return await runAudited(actor, async (tx) => {
      const context = await lockForDecision(tx, actor, promotionId, 'promotion.accepted');
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
