import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';

import { getDb, type Queryable } from '@/db';
import { apiRevisions, apis, environments, promotions } from '@/db/schema';
import { toFieldErrors } from '@/lib/apis/definition';
import { recordAudit } from '@/lib/audit/record';
import { DeniedError, runAudited } from '@/lib/audit/run-audited';
import { can, canSeeApi, type Actor } from '@/lib/auth/actor';
import { sameJson } from '@/lib/canonical-json';
import { AppError, notFound, uniqueViolation } from '@/lib/errors';
import { isUuid } from '@/lib/ids';

export const requestPromotionInput = z.object({
  apiId: z.string(),
  /** The target environment's key, e.g. `qa`. */
  target: z.string().trim().min(1, 'Choose a target environment'),
  /** The source revision to promote; the API's current one when omitted. */
  revision: z.coerce.number().int().min(1).optional(),
  title: z.string().trim().max(200, 'At most 200 characters').optional(),
  message: z.string().trim().max(5000, 'At most 5000 characters').optional(),
});

export type RequestPromotionInput = z.input<typeof requestPromotionInput>;

export type RequestedPromotion = { id: string; targetEnvironmentKey: string; action: 'create' | 'update' };

const notPromotable = new Set(['deprecated', 'archived']);

/** The pending (or applying) promotion that blocks a new one of this API to this target, if any. */
export async function openPromotionOf(db: Queryable, crossId: string, targetEnvironmentId: string) {
  const [open] = await db
    .select({ id: promotions.id })
    .from(promotions)
    .where(
      and(
        eq(promotions.crossId, crossId),
        eq(promotions.targetEnvironmentId, targetEnvironmentId),
        inArray(promotions.status, ['pending', 'applying']),
      ),
    );
  return open ?? null;
}

/**
 * Asks for a revision of an API to be brought into another environment. Needs API `DEFINITION:UPDATE`
 * on the source. Takes the revision's definition as the snapshot that travels (members, groups and ids
 * never do), inserts the promotion as pending and audits it, in one transaction. A second open request
 * for the same API and target is refused by a partial unique index, so it holds across instances.
 */
export async function requestPromotion(
  actor: Actor,
  rawInput: RequestPromotionInput,
): Promise<RequestedPromotion> {
  const parsed = requestPromotionInput.safeParse(rawInput);
  if (!parsed.success) {
    throw new AppError('validation', 'The request is invalid.', { fieldErrors: toFieldErrors(parsed.error) });
  }
  const input = parsed.data;
  if (!isUuid(input.apiId)) throw notFound('API');

  let targetName = input.target;
  let blocked: { crossId: string; targetEnvironmentId: string } | undefined;
  try {
    return await runAudited(actor, async (tx) => {
      const [api] = await tx
        .select({
          id: apis.id,
          crossId: apis.crossId,
          environmentId: apis.environmentId,
          lifecycleState: apis.lifecycleState,
          currentRevision: apis.currentRevision,
          name: apis.name,
        })
        .from(apis)
        .where(eq(apis.id, input.apiId));
      const scope = api && { apiId: api.id, environmentId: api.environmentId };
      if (!api || !scope || !canSeeApi(actor, scope)) throw notFound('API');
      if (!can(actor, 'DEFINITION:UPDATE', scope)) {
        throw new DeniedError(
          'You may not promote this API: that needs permission to change its definition.',
          {
            action: 'promotion.requested',
            environmentIds: [api.environmentId],
            target: { type: 'api', id: api.id },
          },
        );
      }
      if (notPromotable.has(api.lifecycleState)) {
        throw new AppError('conflict', `This API is ${api.lifecycleState}: it cannot be promoted.`);
      }

      const [target] = await tx.select().from(environments).where(eq(environments.key, input.target));
      if (!target) {
        throw new AppError('validation', 'The request is invalid.', {
          fieldErrors: { target: [`There is no environment "${input.target}"`] },
        });
      }
      targetName = target.name;
      if (target.id === api.environmentId) {
        throw new AppError('validation', 'The request is invalid.', {
          fieldErrors: { target: ['The API already lives in this environment: choose another one'] },
        });
      }
      if (target.allowedSourceIds && !target.allowedSourceIds.includes(api.environmentId)) {
        throw new AppError(
          'conflict',
          `${target.name} does not accept promotions from this API's environment.`,
        );
      }

      const revisionNumber = input.revision ?? api.currentRevision;
      const [revision] = await tx
        .select({ definition: apiRevisions.definition })
        .from(apiRevisions)
        .where(and(eq(apiRevisions.apiId, api.id), eq(apiRevisions.revision, revisionNumber)));
      if (!revision) throw notFound(`Revision ${revisionNumber}`);

      const [existing] = await tx
        .select({ id: apis.id, definition: apis.definition })
        .from(apis)
        .where(and(eq(apis.environmentId, target.id), eq(apis.crossId, api.crossId)));
      if (existing && sameJson(existing.definition, revision.definition)) {
        throw new AppError(
          'no_changes',
          `No changes found between source and destination: ${target.name} already has revision ${revisionNumber} of this API.`,
        );
      }

      blocked = { crossId: api.crossId, targetEnvironmentId: target.id };
      const [promotion] = await tx
        .insert(promotions)
        .values({
          apiId: api.id,
          crossId: api.crossId,
          sourceEnvironmentId: api.environmentId,
          targetEnvironmentId: target.id,
          sourceRevision: revisionNumber,
          snapshot: revision.definition,
          title: input.title || null,
          message: input.message || null,
          requestedBy: actor.userId,
          evaluations: {
            exitGate: { decision: 'pass', policies: [] },
            entryGate: { decision: 'pass', policies: [] },
          },
        })
        .returning({ id: promotions.id });
      const action = existing ? 'update' : 'create';
      await recordAudit(tx, actor, {
        action: 'promotion.requested',
        environmentIds: [api.environmentId, target.id],
        target: { type: 'promotion', id: promotion!.id },
        changes: {
          after: {
            apiId: api.id,
            apiName: api.name,
            revision: revisionNumber,
            target: target.key,
            action,
            title: input.title,
          },
        },
      });
      return { id: promotion!.id, targetEnvironmentKey: target.key, action };
    });
  } catch (error) {
    if (uniqueViolation(error)?.constraint === 'promotions_one_open_per_target_key' && blocked) {
      const open = await openPromotionOf(getDb(), blocked.crossId, blocked.targetEnvironmentId);
      throw new AppError('conflict', `A promotion of this API to ${targetName} is already pending.`, {
        details: { existingPromotionId: open?.id ?? null },
      });
    }
    throw error;
  }
}
