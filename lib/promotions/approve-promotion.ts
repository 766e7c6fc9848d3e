import 'server-only';

import { and, eq } from 'drizzle-orm';
import { z } from 'zod';

import type { Tx } from '@/db';
import { promotionApprovals } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { DeniedError, runAudited } from '@/lib/audit/run-audited';
import type { Actor } from '@/lib/auth/actor';
import { AppError, parseInput, uniqueViolation } from '@/lib/errors';
import { getQueue } from '@/lib/jobs/queue';
import { emit } from '@/lib/outbox/emit';

import { applyPromotion, type AppliedPromotion } from './apply-promotion';
import { queuePromotionApply } from './apply-queued-promotion';
import { approvalProgressOf, type ApprovalProgress } from './approval-policy';
import { describeProgress } from './describe-progress';
import { lockForDecision, type DecisionContext } from './decision';
import { transition } from './lifecycle';
import { whyCannotApprove } from './rules';
import { enforceGates } from '@/lib/gates/enforce-gates';
import { judgePromotionNow } from '@/lib/gates/judge-gates';

export const approvePromotionInput = z.object({
  comment: z.string().trim().max(2000, 'At most 2000 characters').optional(),
});

export type ApprovalOutcome = {
  promotionId: string;
  /** `pending`: approved, the policy still needs more; `accepted`: applied now; `applying`: queued. */
  status: 'pending' | 'accepted' | 'applying';
  result: AppliedPromotion | null;
  progress: ApprovalProgress;
};

/**
 * Approves a pending promotion. The approver must be allowed to decide it now (permission in the
 * target, not their own request unless allowed, not an author where authors are excluded, not twice).
 * When the approvals that still count meet the target's policy, the promotion is applied in the same
 * transaction (or, with `async`, marked `applying` and applied by a job enqueued in it). `accept` in
 * the REST API and older clients is this.
 */
export async function approvePromotion(
  actor: Actor,
  promotionId: string,
  input: z.input<typeof approvePromotionInput> = {},
  options: { async?: boolean } = {},
): Promise<ApprovalOutcome> {
  const { comment } = parseInput(approvePromotionInput, input);
  // Started outside the transaction: on PGlite, starting it inside would wait on the transaction itself.
  if (options.async) await getQueue();
  try {
    return await runAudited(actor, async (tx) => {
      const context = await lockForDecision(tx, actor, promotionId, 'promotion.approved');
      const { promotion, target, action, policy } = context;
      const [mine] = await tx
        .select({ userId: promotionApprovals.userId })
        .from(promotionApprovals)
        .where(
          and(eq(promotionApprovals.promotionId, promotion.id), eq(promotionApprovals.userId, actor.userId)),
        );
      if (mine) throw new AppError('conflict', 'You have already approved this promotion.');
      const refusal = whyCannotApprove(actor, promotion, action, policy, {
        alreadyApproved: false,
        targetName: target.name,
      });
      if (refusal) {
        throw new DeniedError(refusal, {
          action: 'promotion.approved',
          environmentIds: [promotion.sourceEnvironmentId, promotion.targetEnvironmentId],
          target: { type: 'promotion', id: promotion.id },
        });
      }
      return recordApproval(tx, actor, context, { comment, async: Boolean(options.async) });
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

/**
 * Records an approval the caller has checked, and applies the promotion when the policy is met:
 * shared by approving and by a direct promotion (its requester's own approval).
 */
export async function recordApproval(
  tx: Tx,
  actor: Actor,
  context: DecisionContext,
  options: { comment?: string; async: boolean },
): Promise<ApprovalOutcome> {
  const { promotion, target, action, policy } = context;
  await tx.insert(promotionApprovals).values({
    promotionId: promotion.id,
    userId: actor.userId,
    policyVersion: policy.version,
    comment: options.comment || null,
  });
  const progress = (
    await approvalProgressOf(tx, [{ ...promotion, action }], new Map([[target.id, policy]]))
  ).get(promotion.id)!;
  // The gates again, as things stand now: the target, the clock and the policies move.
  const evaluations = await judgePromotionNow(tx, actor, context, progress.met ? 'accept' : 'approval');
  enforceGates(
    evaluations,
    undefined,
    {
      action: 'promotion.approved',
      environmentIds: [promotion.sourceEnvironmentId, promotion.targetEnvironmentId],
      target: { type: 'promotion', id: promotion.id },
    },
    { needsJustification: false },
  );
  const judged = {
    exitGate: evaluations.exitGate.decision,
    entryGate: evaluations.entryGate.decision,
    policyVersion: policy.version,
    approvals: progress.count,
    approvalsRequired: progress.required,
    missingRules: progress.missingRules,
  };
  await recordAudit(tx, actor, {
    action: 'promotion.approved',
    environmentIds: [promotion.sourceEnvironmentId, promotion.targetEnvironmentId],
    target: { type: 'promotion', id: promotion.id },
    reason: options.comment || undefined,
    changes: { after: judged },
  });

  await emit(tx, {
    type: 'promotion.approved',
    promotion,
    actor,
    reason: options.comment,
    progress: describeProgress(progress),
    policyMet: progress.met,
    // The last approval's news is the acceptance, which the lifecycle tells.
    notice: progress.met
      ? undefined
      : `${actor.name} approved the promotion of ${promotion.snapshot.name} to ${target.name} (${describeProgress(progress)})`,
  });
  if (!progress.met) {
    return { promotionId: promotion.id, status: 'pending', result: null, progress };
  }

  const approvedBy = progress.approvals
    .filter((approval) => approval.notCounted === null)
    .map((approval) => approval.name);
  if (options.async) {
    await transition(tx, actor, promotion, target, {
      to: 'applying',
      reason: options.comment,
      details: { policyVersion: policy.version, approvedBy },
    });
    await queuePromotionApply(tx, promotion.id);
    return { promotionId: promotion.id, status: 'applying', result: null, progress };
  }
  const result = await applyPromotion(tx, actor, context);
  await transition(tx, actor, promotion, target, {
    to: 'accepted',
    reason: options.comment,
    result,
    details: { policyVersion: policy.version, approvedBy },
  });
  return { promotionId: promotion.id, status: 'accepted', result, progress };
}
