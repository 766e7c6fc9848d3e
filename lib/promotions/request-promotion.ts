import 'server-only';

import { and, eq, inArray } from 'drizzle-orm';

import { getDb, type Queryable, type Tx } from '@/db';
import { groupMembers, promotions } from '@/db/schema';
import type { ApiDefinition } from '@/db/definition';
import { recordAudit } from '@/lib/audit/record';
import { emit } from '@/lib/outbox/emit';
import { DeniedError, runAudited } from '@/lib/audit/run-audited';
import type { Actor } from '@/lib/auth/actor';
import { AppError, uniqueViolation } from '@/lib/errors';
import { getQueue } from '@/lib/jobs/queue';

import type { AppliedPromotion } from './apply-promotion';
import { evaluatePolicy, loadPolicy, type ApprovalPolicy } from './approval-policy';
import { describeProgress } from './describe-progress';
import { enforceGates } from '@/lib/gates/enforce-gates';
import type { Evaluations } from '@/lib/gates/judge-gates';
import { changedFields, diffDefinitions, type DefinitionDiff } from '@/lib/diff';
import { recordApproval } from './approve-promotion';
import type { Promotion } from './lifecycle';
import {
  parsePromotionInput,
  preparePromotion,
  type PreparedPromotion,
  type PromotionInput,
} from './prepare-promotion';
import { canSeePromotion, whyCannotApprove, type PromotionAction } from './rules';

export type PromotionWritten =
  | { kind: 'requested' | 'applying'; id: string; targetEnvironmentKey: string; action: PromotionAction }
  | {
      kind: 'applied';
      id: string;
      targetEnvironmentKey: string;
      action: PromotionAction;
      result: AppliedPromotion;
    };

export type PromotionPreview = {
  kind: 'dry_run';
  targetEnvironmentKey: string;
  action: PromotionAction;
  revision: number;
  /**
   * False when the requester may not read the API already in the target: then the preview holds only
   * what their snapshot brings (`definition` is the snapshot; `excluded` parts keep the target's
   * content, unseen) and no id, revision or change list of the target.
   */
  targetReadable: boolean;
  targetApiId: string | null;
  targetRevision: number | null;
  changes: string[] | null;
  /** What accepting would change in the target, part by part; null for those who may not read it. */
  diff: DefinitionDiff | null;
  /** The gates as they would judge it now (nothing requested yet). */
  evaluations: Evaluations;
  /** Why the caller may not promote this directly (applied at once); null when they may. */
  directUnavailableReason: string | null;
  included: string[];
  excluded: string[];
  definition: ApiDefinition;
};

export type PromotionOutcome = PromotionWritten | PromotionPreview;

/** The pending (or applying) promotion that blocks a new one of this API to this target, if any. */
export async function openPromotionOf(db: Queryable, crossId: string, targetEnvironmentId: string) {
  const [open] = await db
    .select({
      id: promotions.id,
      apiId: promotions.apiId,
      sourceEnvironmentId: promotions.sourceEnvironmentId,
      targetEnvironmentId: promotions.targetEnvironmentId,
      requestedBy: promotions.requestedBy,
    })
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
 * Promotes a revision of an API to another environment. Needs API `DEFINITION:UPDATE` on the source.
 * - `mode: 'request'` (default): inserts a pending promotion (the task) carrying the revision's snapshot
 *   (members, groups and ids never travel).
 * - `mode: 'direct'`: where the target allows direct promotion and the caller's own approval would meet
 *   its approval policy, also approves and applies it, in the same transaction.
 * - `type: 'dry_run'`: checks everything and answers what would happen; writes nothing.
 * - `async` (direct only): the apply runs as a job enqueued in the same transaction; the promotion is
 *   `applying` until it finishes.
 * A second open promotion of the API to the same target is refused by a partial unique index, so the
 * rule holds across app instances. Everything it writes is audited in the same transaction.
 */
export async function requestPromotion(
  actor: Actor,
  rawInput: PromotionInput & { type: 'dry_run' },
  options?: { async?: boolean },
): Promise<PromotionPreview>;
export async function requestPromotion(
  actor: Actor,
  rawInput: PromotionInput & { type?: 'copy' | 'move' },
  options?: { async?: boolean },
): Promise<PromotionWritten>;
export async function requestPromotion(
  actor: Actor,
  rawInput: PromotionInput,
  options?: { async?: boolean },
): Promise<PromotionOutcome>;
export async function requestPromotion(
  actor: Actor,
  rawInput: PromotionInput,
  options: { async?: boolean } = {},
): Promise<PromotionOutcome> {
  const input = parsePromotionInput(rawInput);
  if (options.async && input.mode !== 'direct') {
    throw new AppError('validation', 'The request is invalid.', {
      fieldErrors: {
        async: ['Only a direct promotion applies now; a requested one is applied when it is accepted'],
      },
    });
  }
  // Started outside the transaction: on PGlite, starting it inside would wait on the transaction itself.
  if (options.async) await getQueue();
  let blocked: { crossId: string; targetEnvironmentId: string; targetName: string } | undefined;
  try {
    return await runAudited(actor, async (tx) => {
      const prepared = await preparePromotion(tx, actor, input);
      const { api, target, action } = prepared;
      blocked = { crossId: api.crossId, targetEnvironmentId: target.id, targetName: target.name };
      const policy = await loadPolicy(tx, target.id);
      if (input.type !== 'dry_run') {
        enforceGates(prepared.evaluations, input.justification, {
          action: 'promotion.requested',
          environmentIds: [api.environmentId, target.id],
          target: { type: 'api', id: api.id },
        });
      }

      if (input.mode === 'direct') {
        const denied = await whyNotDirect(tx, actor, prepared, policy);
        if (denied) {
          throw new DeniedError(denied, {
            action: 'promotion.requested',
            environmentIds: [api.environmentId, target.id],
            target: { type: 'api', id: api.id },
          });
        }
      }
      if (policy.titleRequired && !input.title && input.type !== 'dry_run') {
        throw new AppError('validation', 'The request is invalid.', {
          fieldErrors: { title: [`${target.name} requires a title on every promotion request`] },
        });
      }

      if (input.type === 'dry_run') {
        const open = await openPromotionOf(tx, api.crossId, target.id);
        if (open) throw pendingConflict(actor, target.name, open);
        const readable = prepared.targetReadable;
        const diff = readable
          ? diffDefinitions(prepared.targetApi?.definition ?? null, prepared.composed)
          : null;
        return {
          kind: 'dry_run',
          targetEnvironmentKey: target.key,
          action,
          revision: prepared.revision,
          targetReadable: readable,
          targetApiId: readable ? (prepared.targetApi?.id ?? null) : null,
          targetRevision: readable ? (prepared.targetApi?.currentRevision ?? null) : null,
          changes: diff && changedFields(diff),
          diff,
          included: prepared.included,
          excluded: prepared.excluded,
          definition: readable ? prepared.composed : prepared.snapshot,
          evaluations: prepared.evaluations,
          directUnavailableReason: await whyNotDirect(tx, actor, prepared, policy),
        };
      }

      const promotion = await insertPromotion(tx, actor, prepared);
      if (input.mode === 'request') {
        return { kind: 'requested', id: promotion.id, targetEnvironmentKey: target.key, action };
      }
      // Direct: the requester's own approval meets the policy (checked above), so it applies now.
      const outcome = await recordApproval(
        tx,
        actor,
        { promotion, target, targetApi: prepared.targetApi, action, policy },
        { async: Boolean(options.async) },
      );
      if (!outcome.result) {
        return { kind: 'applying', id: promotion.id, targetEnvironmentKey: target.key, action };
      }
      return {
        kind: 'applied',
        id: promotion.id,
        targetEnvironmentKey: target.key,
        action,
        result: outcome.result,
      };
    });
  } catch (error) {
    if (uniqueViolation(error)?.constraint === 'promotions_one_open_per_target_key' && blocked) {
      const open = await openPromotionOf(getDb(), blocked.crossId, blocked.targetEnvironmentId);
      throw pendingConflict(actor, blocked.targetName, open);
    }
    throw error;
  }
}

/**
 * Inserts a pending promotion of a prepared revision, audited as requested. A request that replaces an
 * older one (`supersedes`) names it.
 */
export async function insertPromotion(
  tx: Tx,
  actor: Actor,
  prepared: PreparedPromotion,
  supersedes?: { id: string },
): Promise<Promotion> {
  const { input, api, target, action } = prepared;
  const [promotion] = await tx
    .insert(promotions)
    .values({
      apiId: api.id,
      crossId: api.crossId,
      sourceEnvironmentId: api.environmentId,
      targetEnvironmentId: target.id,
      sourceRevision: prepared.revision,
      snapshot: prepared.snapshot,
      mode: input.mode,
      type: input.type === 'move' ? 'move' : 'copy',
      included: prepared.included,
      excluded: prepared.excluded,
      properties: input.properties ?? {},
      parameters: input.parameters ?? {},
      title: input.title || null,
      message: input.message || null,
      description: input.description || null,
      requestedBy: actor.userId,
      authorIds: prepared.authorIds,
      supersedes: supersedes?.id ?? null,
      evaluations: prepared.evaluations,
      justification: input.justification || null,
    })
    .returning();
  await recordAudit(tx, actor, {
    action: 'promotion.requested',
    environmentIds: [api.environmentId, target.id],
    target: { type: 'promotion', id: promotion!.id },
    changes: {
      after: {
        apiId: api.id,
        apiName: api.name,
        revision: prepared.revision,
        target: target.key,
        action,
        mode: input.mode,
        type: input.type,
        included: prepared.included,
        parameters: input.parameters,
        title: input.title,
        supersedes: supersedes?.id,
        exitGate: prepared.evaluations.exitGate.decision,
        entryGate: prepared.evaluations.entryGate.decision,
        justification: input.justification,
      },
    },
  });
  await emit(tx, { type: 'promotion.requested', promotion: promotion!, actor });
  return promotion!;
}

/**
 * A direct promotion applies at once, so it must be one the requester could approve alone: the
 * target allows direct promotion, and the requester's own approval would meet its approval policy.
 */
async function whyNotDirect(
  tx: Tx,
  actor: Actor,
  prepared: PreparedPromotion,
  policy: ApprovalPolicy,
): Promise<string | null> {
  const { target, action } = prepared;
  if (!target.directPromotionAllowed)
    return `${target.name} does not allow direct promotion: request one instead.`;
  const refusal = whyCannotApprove(
    actor,
    { targetEnvironmentId: target.id, requestedBy: actor.userId, authorIds: prepared.authorIds },
    action,
    policy,
    { alreadyApproved: false, targetName: target.name },
  );
  if (refusal)
    return `A direct promotion is approved by its requester alone. ${refusal} Request one instead.`;
  const groupIds = (
    await tx
      .select({ id: groupMembers.groupId })
      .from(groupMembers)
      .where(eq(groupMembers.userId, actor.userId))
  ).map((membership) => membership.id);
  const alone = evaluatePolicy(policy, [
    {
      userId: actor.userId,
      name: actor.name,
      approvedAt: new Date(),
      policyVersion: policy.version,
      comment: null,
      notCounted: null,
      groupIds,
      environmentRole: actor.environmentRoles.get(target.id) ?? null,
    },
  ]);
  if (!alone.met) {
    return `${target.name}'s approval policy needs more than your approval (${describeProgress(alone)}): request a promotion instead.`;
  }
  return null;
}

/** The refusal of a second open request; it names the open one only to those who may see it. */
function pendingConflict(
  actor: Actor,
  targetName: string,
  open: Awaited<ReturnType<typeof openPromotionOf>>,
): AppError {
  return new AppError('conflict', `A promotion of this API to ${targetName} is already pending.`, {
    details: { existingPromotionId: open && canSeePromotion(actor, open) ? open.id : null },
  });
}
