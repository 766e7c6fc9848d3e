import { z } from 'zod';

import { runAudited } from '@/lib/audit/run-audited';
import type { Actor } from '@/lib/auth/actor';
import { AppError, parseInput } from '@/lib/errors';

import { lockForDecision } from './decision';
import { transition } from './lifecycle';

export const rejectPromotionInput = z.object({
  reason: z.string().trim().max(2000, 'At most 2000 characters').optional(),
});

/**
 * Rejects a pending promotion at once, whatever approvals it has: the same authorization and race
 * rules as approving it. The target's policy may require a reason. The source may request again.
 */
export async function rejectPromotion(
  actor: Actor,
  promotionId: string,
  input: z.input<typeof rejectPromotionInput> = {},
): Promise<{ promotionId: string }> {
  const { reason } = parseInput(rejectPromotionInput, input);
  return runAudited(actor, async (tx) => {
    const { promotion, target, policy } = await lockForDecision(tx, actor, promotionId, 'promotion.rejected');
    if (policy.reasonRequiredOnReject && !reason) {
      throw new AppError('validation', 'The request is invalid.', {
        fieldErrors: { reason: [`${target.name} requires a reason to reject a promotion`] },
      });
    }
    await transition(tx, actor, promotion, target, { to: 'rejected', reason });
    return { promotionId };
  });
}
