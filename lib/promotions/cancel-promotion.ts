import 'server-only';

import { eq } from 'drizzle-orm';

import { environments, promotions } from '@/db/schema';
import { DeniedError, runAudited } from '@/lib/audit/run-audited';
import type { Actor } from '@/lib/auth/actor';
import { notFound } from '@/lib/errors';
import { isUuid } from '@/lib/ids';

import { transition } from './lifecycle';
import { canSeePromotion } from './rules';

/** Withdraws a pending request: only its requester may. */
export async function cancelPromotion(actor: Actor, promotionId: string): Promise<{ promotionId: string }> {
  if (!isUuid(promotionId)) throw notFound('Promotion');
  return runAudited(actor, async (tx) => {
    const [promotion] = await tx
      .select()
      .from(promotions)
      .where(eq(promotions.id, promotionId))
      .for('update');
    if (!promotion || !canSeePromotion(actor, promotion)) throw notFound('Promotion');
    if (promotion.requestedBy !== actor.userId) {
      throw new DeniedError('Only the requester may cancel a promotion request.', {
        action: 'promotion.cancelled',
        environmentIds: [promotion.sourceEnvironmentId, promotion.targetEnvironmentId],
        target: { type: 'promotion', id: promotion.id },
      });
    }
    const [target] = await tx
      .select({ name: environments.name })
      .from(environments)
      .where(eq(environments.id, promotion.targetEnvironmentId));
    // The lifecycle refuses (naming the decider) when it is no longer pending.
    await transition(tx, actor, promotion, target!, { to: 'cancelled' });
    return { promotionId };
  });
}
