import 'server-only';

import { and, eq } from 'drizzle-orm';

import type { Tx } from '@/db';
import { apis, environments, promotions } from '@/db/schema';
import type { ApiDefinition } from '@/db/definition';
import { DeniedError } from '@/lib/audit/run-audited';
import type { Actor } from '@/lib/auth/actor';
import { notFound } from '@/lib/errors';
import { isUuid } from '@/lib/ids';

import { loadPolicy, type ApprovalPolicy } from './approval-policy';
import { alreadyDecided, type Promotion } from './lifecycle';
import { canSeePromotion, promotionAction, whyCannotDecide, type PromotionAction } from './rules';

type Environment = typeof environments.$inferSelect;

export type DecisionContext = {
  promotion: Promotion;
  target: Environment;
  /** The API with the same cross id already in the target, locked for this transaction. */
  targetApi: {
    id: string;
    currentRevision: number;
    definition: ApiDefinition;
    lifecycleState: string;
  } | null;
  action: PromotionAction;
  /** The target's approval policy as it stands now. */
  policy: ApprovalPolicy;
};

/**
 * Locks a promotion for a decision and checks what every decision needs, as things stand now:
 * visible (else not found), the permission the decision needs in the target (create or update),
 * self-approval, and still pending (else who decided first). The row lock makes racing decisions
 * queue here, so each of them sees the approvals and status the previous one left.
 */
export async function lockForDecision(
  tx: Tx,
  actor: Actor,
  promotionId: string,
  auditAction: 'promotion.approved' | 'promotion.rejected',
): Promise<DecisionContext> {
  if (!isUuid(promotionId)) throw notFound('Promotion');
  const [promotion] = await tx.select().from(promotions).where(eq(promotions.id, promotionId)).for('update');
  if (!promotion || !canSeePromotion(actor, promotion)) throw notFound('Promotion');

  const context = await decisionContextOf(tx, promotion);
  const { target, action, policy } = context;

  const refusal = whyCannotDecide(actor, promotion, action, {
    name: target.name,
    selfApprovalAllowed: policy.selfApprovalAllowed,
  });
  if (refusal) {
    throw new DeniedError(refusal, {
      action: auditAction,
      environmentIds: [promotion.sourceEnvironmentId, promotion.targetEnvironmentId],
      target: { type: 'promotion', id: promotion.id },
    });
  }
  if (promotion.status !== 'pending') throw await alreadyDecided(tx, promotion);
  return context;
}

/** The API with this cross id already in the environment, locked for the transaction, if any. */
export async function lockTargetApi(tx: Tx, environmentId: string, crossId: string) {
  const [targetApi] = await tx
    .select({
      id: apis.id,
      currentRevision: apis.currentRevision,
      definition: apis.definition,
      lifecycleState: apis.lifecycleState,
    })
    .from(apis)
    .where(and(eq(apis.environmentId, environmentId), eq(apis.crossId, crossId)))
    .for('update');
  return targetApi ?? null;
}

/** What deciding a promotion works on: its target, the API there (locked), create or update, the policy. */
export async function decisionContextOf(tx: Tx, promotion: Promotion): Promise<DecisionContext> {
  const [target] = await tx
    .select()
    .from(environments)
    .where(eq(environments.id, promotion.targetEnvironmentId));
  const targetApi = await lockTargetApi(tx, promotion.targetEnvironmentId, promotion.crossId);
  return {
    promotion,
    target: target!,
    targetApi,
    action: promotionAction(Boolean(targetApi)),
    policy: await loadPolicy(tx, promotion.targetEnvironmentId),
  };
}
