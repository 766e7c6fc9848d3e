import 'server-only';

import { and, eq, ne, sql } from 'drizzle-orm';

import type { Tx } from '@/db';
import { apiRevisions, apis, roleBindings } from '@/db/schema';
import { apiDefinitionSchema, type ApiDefinition } from '@/db/definition';
import { recordAudit } from '@/lib/audit/record';
import { can, loadActor, type Actor } from '@/lib/auth/actor';
import { sameJson } from '@/lib/canonical-json';
import { AppError, toFieldErrors } from '@/lib/errors';

import { whyCannotMove } from './rules';
import { composeDefinition } from './compose-definition';
import type { DecisionContext } from './decision';

export type AppliedPromotion = { apiId: string; revision: number; action: 'created' | 'updated' };

/**
 * Brings a promotion's snapshot into its target: creates the API (same cross id, new id, revision 1,
 * no members or groups but a primary owner) or gives the existing one a new revision (its id, members
 * and groups stay). Only the included parts travel, composed against the target as it is now; a move
 * archives the source afterwards, as its requester's act (they must still hold DEFINITION:DELETE
 * on it). Refuses when another API of the target uses the context path.
 */
export async function applyPromotion(
  tx: Tx,
  actor: Actor,
  context: DecisionContext,
): Promise<AppliedPromotion> {
  const { promotion, target, targetApi } = context;
  const composed = apiDefinitionSchema.safeParse(
    composeDefinition(promotion.snapshot, promotion, targetApi?.definition ?? null),
  );
  if (!composed.success) {
    throw new AppError(
      'validation',
      `The definition this promotion would bring into ${target.name} is invalid.`,
      {
        fieldErrors: toFieldErrors(composed.error),
      },
    );
  }
  // A move archives the source: the requester's act, checked with their rights as they stand now.
  const mover =
    promotion.type === 'move' ? await loadActor(tx, promotion.requestedBy, 'delegated', actor.context) : null;
  if (promotion.type === 'move') {
    const refusal = whyCannotMove(mover, {
      apiId: promotion.apiId,
      environmentId: promotion.sourceEnvironmentId,
    });
    if (refusal) throw new AppError('conflict', `This move cannot complete: ${refusal}`);
  }
  const result = await writeToTarget(tx, actor, context, composed.data);
  if (mover) await archiveSource(tx, mover, promotion.apiId, promotion.sourceEnvironmentId, promotion.id);
  return result;
}

/**
 * Whether a refusal may name an API of the target: only to a reader deciding now. A job's failure
 * becomes the promotion's reason, which its requester reads too.
 */
function mayName(actor: Actor, apiId: string, environmentId: string): boolean {
  return actor.authMethod !== 'job' && can(actor, 'DEFINITION:READ', { apiId, environmentId });
}

async function writeToTarget(
  tx: Tx,
  actor: Actor,
  context: DecisionContext,
  definition: ApiDefinition,
): Promise<AppliedPromotion> {
  const { promotion, target, targetApi } = context;
  const provenance = `Promoted from revision ${promotion.sourceRevision} (promotion ${promotion.id})`;

  const [clash] = await tx
    .select({ id: apis.id, name: apis.name })
    .from(apis)
    .where(
      and(
        eq(apis.environmentId, target.id),
        eq(apis.contextPath, definition.contextPath),
        ne(apis.crossId, promotion.crossId),
        ne(apis.lifecycleState, 'archived'),
      ),
    );
  if (clash) {
    throw new AppError(
      'conflict',
      `The context path ${definition.contextPath} is already used by ${
        mayName(actor, clash.id, target.id) ? clash.name : 'another API'
      } in ${target.name}: change one of them first.`,
    );
  }

  if (targetApi) {
    if (targetApi.lifecycleState === 'archived') {
      throw new AppError(
        'conflict',
        `This API is archived in ${target.name}: it cannot be updated by a promotion.`,
      );
    }
    if (sameJson(targetApi.definition, definition)) {
      // Nothing to write: the target already holds exactly this definition.
      return { apiId: targetApi.id, revision: targetApi.currentRevision, action: 'updated' };
    }
    const revision = targetApi.currentRevision + 1;
    await tx.insert(apiRevisions).values({
      apiId: targetApi.id,
      revision,
      definition,
      message: provenance,
      createdBy: actor.userId,
      promotionId: promotion.id,
    });
    await tx
      .update(apis)
      .set({ definition, currentRevision: revision, updatedAt: new Date(), updatedBy: actor.userId })
      .where(eq(apis.id, targetApi.id));
    await recordAudit(tx, actor, {
      action: 'api.updated',
      environmentIds: [target.id],
      target: { type: 'api', id: targetApi.id },
      reason: provenance,
      changes: {
        before: { revision: targetApi.currentRevision, definition: targetApi.definition },
        after: { revision, definition },
      },
    });
    return { apiId: targetApi.id, revision, action: 'updated' };
  }

  const [created] = await tx
    .insert(apis)
    .values({
      environmentId: target.id,
      crossId: promotion.crossId,
      definition,
      currentRevision: 1,
      updatedBy: actor.userId,
    })
    .returning({ id: apis.id });
  const apiId = created!.id;
  await tx.insert(apiRevisions).values({
    apiId,
    revision: 1,
    definition,
    message: provenance,
    createdBy: actor.userId,
    promotionId: promotion.id,
  });
  await tx.insert(roleBindings).values({
    userId: await primaryOwnerInTarget(tx, actor, promotion.apiId, target.id),
    scope: 'api',
    environmentId: target.id,
    apiId,
    role: 'PRIMARY_OWNER',
    createdBy: actor.userId,
  });
  await recordAudit(tx, actor, {
    action: 'api.created',
    environmentIds: [target.id],
    target: { type: 'api', id: apiId },
    reason: provenance,
    changes: { after: { revision: 1, definition } },
  });
  return { apiId, revision: 1, action: 'created' };
}

/** A move leaves the source archived: it stays readable (with its revisions) but no longer serves. */
async function archiveSource(
  tx: Tx,
  actor: Actor,
  apiId: string,
  environmentId: string,
  promotionId: string,
) {
  const [archived] = await tx
    .update(apis)
    .set({ lifecycleState: 'archived', updatedAt: new Date(), updatedBy: actor.userId })
    .where(and(eq(apis.id, apiId), ne(apis.lifecycleState, 'archived')))
    .returning({ id: apis.id });
  if (!archived) return;
  await recordAudit(tx, actor, {
    action: 'api.archived',
    environmentIds: [environmentId],
    target: { type: 'api', id: apiId },
    reason: `Moved by promotion ${promotionId}`,
  });
}

/** The source API's primary owner when they hold a role in the target environment, else the acceptor. */
async function primaryOwnerInTarget(tx: Tx, actor: Actor, sourceApiId: string, targetEnvironmentId: string) {
  const [owner] = await tx
    .select({ userId: roleBindings.userId })
    .from(roleBindings)
    .where(and(eq(roleBindings.apiId, sourceApiId), eq(roleBindings.role, 'PRIMARY_OWNER')))
    .orderBy(sql`${roleBindings.createdAt}`);
  if (!owner || owner.userId === actor.userId) return actor.userId;
  const ownerActor = await loadActor(tx, owner.userId, 'password');
  const hasRoleInTarget =
    ownerActor && (ownerActor.isOrgAdmin || ownerActor.environmentRoles.has(targetEnvironmentId));
  return hasRoleInTarget ? owner.userId : actor.userId;
}
