import 'server-only';

import { eq } from 'drizzle-orm';

import { apis, environments, promotions } from '@/db/schema';
import type { DefinitionPart } from '@/db/definition';
import { DeniedError, runAudited } from '@/lib/audit/run-audited';
import type { Actor } from '@/lib/auth/actor';
import { AppError, notFound } from '@/lib/errors';
import { isUuid } from '@/lib/ids';

import { alreadyDecided, transition } from './lifecycle';
import { parsePromotionInput, preparePromotion } from './prepare-promotion';
import { insertPromotion } from './request-promotion';
import { canSeePromotion } from './rules';

/**
 * Brings a pending request up to date with its source API's current revision: the request is
 * superseded by a new one carrying the new snapshot (same target, options, title and parameters), and
 * the approvals so far stay with the old one, so approvers never approve something other than what
 * they see. Only the requester may, and only while they may still promote the API.
 */
export async function updatePromotionRequest(
  actor: Actor,
  promotionId: string,
): Promise<{ promotionId: string; supersededId: string; revision: number }> {
  if (!isUuid(promotionId)) throw notFound('Promotion');
  return runAudited(actor, async (tx) => {
    const [promotion] = await tx
      .select()
      .from(promotions)
      .where(eq(promotions.id, promotionId))
      .for('update');
    if (!promotion || !canSeePromotion(actor, promotion)) throw notFound('Promotion');
    const event = {
      action: 'promotion.superseded' as const,
      environmentIds: [promotion.sourceEnvironmentId, promotion.targetEnvironmentId],
      target: { type: 'promotion', id: promotion.id },
    };
    if (promotion.requestedBy !== actor.userId) {
      throw new DeniedError('Only the requester may update a promotion request.', event);
    }
    if (promotion.status !== 'pending') throw await alreadyDecided(tx, promotion);

    const [source] = await tx
      .select({ currentRevision: apis.currentRevision })
      .from(apis)
      .where(eq(apis.id, promotion.apiId));
    if (!source || source.currentRevision === promotion.sourceRevision) {
      throw new AppError('conflict', `This request already carries the source's current revision.`);
    }
    const [target] = await tx
      .select({ key: environments.key, name: environments.name })
      .from(environments)
      .where(eq(environments.id, promotion.targetEnvironmentId));

    // The old request leaves `pending` first: the new one takes its place under the one-open index.
    await transition(tx, actor, promotion, target!, {
      to: 'superseded',
      reason: `Updated from revision ${promotion.sourceRevision} to ${source.currentRevision}.`,
      details: { revision: { from: promotion.sourceRevision, to: source.currentRevision } },
    });
    const prepared = await preparePromotion(
      tx,
      actor,
      parsePromotionInput({
        apiId: promotion.apiId,
        target: target!.key,
        revision: source.currentRevision,
        type: promotion.type,
        // Stored from a validated request; parsed again here.
        include: promotion.included as DefinitionPart[],
        properties: promotion.properties,
        parameters: promotion.parameters,
        title: promotion.title ?? undefined,
        message: promotion.message ?? undefined,
        description: promotion.description ?? undefined,
      }),
    );
    const successor = await insertPromotion(tx, actor, prepared, promotion);
    return { promotionId: successor.id, supersededId: promotion.id, revision: prepared.revision };
  });
}
