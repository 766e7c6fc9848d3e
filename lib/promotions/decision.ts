import { and, eq } from 'drizzle-orm';

import type { Tx } from '@/db';
import { apis, environments, notifications, promotions, users } from '@/db/schema';
import type { ApiDefinition } from '@/lib/apis/definition';
import { recordAudit } from '@/lib/audit/record';
import { DeniedError } from '@/lib/audit/run-audited';
import type { Actor } from '@/lib/auth/actor';
import { AppError, notFound } from '@/lib/errors';
import { isUuid } from '@/lib/ids';

import { canSeePromotion, promotionAction, whyCannotDecide, type PromotionAction } from './rules';

type Promotion = typeof promotions.$inferSelect;
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
};

/**
 * Locks a promotion for a decision and checks everything a decision needs, as things stand now:
 * visible (else not found), the permission the decision needs in the target (create or update),
 * self-approval, and still pending (else who decided first). The row lock makes racing decisions
 * queue here, so exactly one of them finds it pending.
 */
export async function lockForDecision(
  tx: Tx,
  actor: Actor,
  promotionId: string,
  auditAction: 'promotion.accepted' | 'promotion.rejected',
): Promise<DecisionContext> {
  if (!isUuid(promotionId)) throw notFound('Promotion');
  const [promotion] = await tx.select().from(promotions).where(eq(promotions.id, promotionId)).for('update');
  if (!promotion || !canSeePromotion(actor, promotion)) throw notFound('Promotion');

  const context = await decisionContextOf(tx, promotion);
  const { target, action } = context;

  const refusal = whyCannotDecide(actor, promotion, action, target);
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

/** What deciding a promotion works on: its target environment, the API there (locked), create or update. */
export async function decisionContextOf(tx: Tx, promotion: Promotion): Promise<DecisionContext> {
  const [target] = await tx
    .select()
    .from(environments)
    .where(eq(environments.id, promotion.targetEnvironmentId));
  const targetApi = await lockTargetApi(tx, promotion.targetEnvironmentId, promotion.crossId);
  return { promotion, target: target!, targetApi, action: promotionAction(Boolean(targetApi)) };
}

async function alreadyDecided(tx: Tx, promotion: Promotion): Promise<AppError> {
  const [decider] = promotion.decidedBy
    ? await tx.select({ name: users.name }).from(users).where(eq(users.id, promotion.decidedBy))
    : [];
  const by = decider ? ` by ${decider.name}` : '';
  const message =
    promotion.status === 'applying'
      ? `This promotion was already accepted${by} and is being applied.`
      : `This promotion was already ${promotion.status}${by}.`;
  return new AppError('conflict', message, {
    details: {
      promotionStatus: promotion.status,
      decidedBy: decider?.name ?? null,
      decidedAt: promotion.decidedAt,
    },
  });
}

/**
 * Records the decision: a conditional update (only away from pending, so a decision can never be
 * overwritten), the requester's notification and the audit event. `applying` is an acceptance whose
 * apply runs as a job: audited now as the decision, notified when the job finishes.
 */
export async function finishDecision(
  tx: Tx,
  actor: Actor,
  context: DecisionContext,
  decision: {
    status: 'accepted' | 'rejected' | 'cancelled' | 'applying';
    reason?: string | null;
    targetApiId?: string;
    result?: Promotion['result'];
  },
): Promise<Promotion> {
  const { promotion, target } = context;
  const [decided] = await tx
    .update(promotions)
    .set({
      status: decision.status,
      decidedBy: actor.userId,
      decidedAt: decision.status === 'applying' ? null : new Date(),
      reason: decision.reason || null,
      targetApiId: decision.targetApiId ?? null,
      result: decision.result ?? null,
    })
    .where(and(eq(promotions.id, promotion.id), eq(promotions.status, 'pending')))
    .returning();
  if (!decided) throw await alreadyDecided(tx, promotion);

  if (
    (decision.status === 'accepted' || decision.status === 'rejected') &&
    promotion.requestedBy !== actor.userId
  ) {
    const name = promotion.snapshot.name;
    await tx.insert(notifications).values({
      userId: promotion.requestedBy,
      kind: `promotion.${decision.status}`,
      promotionId: promotion.id,
      title: `${actor.name} ${decision.status} the promotion of ${name} to ${target.name}`,
      body: decision.reason || null,
    });
  }

  await recordAudit(tx, actor, {
    action: decision.status === 'applying' ? 'promotion.accepted' : `promotion.${decision.status}`,
    environmentIds: [promotion.sourceEnvironmentId, promotion.targetEnvironmentId],
    target: { type: 'promotion', id: promotion.id },
    reason: decision.reason || undefined,
    changes: {
      before: { status: 'pending' },
      after: { status: decision.status, result: decision.result ?? undefined },
    },
  });
  return decided;
}
