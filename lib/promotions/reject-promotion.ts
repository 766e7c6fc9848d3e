import { z } from 'zod';

import { runAudited } from '@/lib/audit/run-audited';
import type { Actor } from '@/lib/auth/actor';

import { finishDecision, lockForDecision } from './decision';

export const rejectPromotionInput = z.object({
  reason: z.string().trim().max(2000, 'At most 2000 characters').optional(),
});

/**
 * Rejects a pending promotion: the same authorization and race rules as accepting it. The source
 * may request again afterwards.
 */
export async function rejectPromotion(
  actor: Actor,
  promotionId: string,
  input: z.input<typeof rejectPromotionInput> = {},
): Promise<{ promotionId: string }> {
  const { reason } = rejectPromotionInput.parse(input);
  return runAudited(actor, async (tx) => {
    const context = await lockForDecision(tx, actor, promotionId, 'promotion.rejected');
    await finishDecision(tx, actor, context, { status: 'rejected', reason });
    return { promotionId };
  });
}
