import { and, eq } from 'drizzle-orm';

import { getDb, type Tx } from '@/db';
import { notifications, promotions, users } from '@/db/schema';
import { recordAudit, systemActor } from '@/lib/audit/record';
import { loadActor } from '@/lib/auth/actor';
import { isAppError } from '@/lib/errors';
import { enqueue, getQueue, queues } from '@/lib/jobs/queue';

import { applyPromotion } from './apply-promotion';
import { decisionContextOf } from './decision';
import { mayDecideInTarget } from './rules';

/** Enqueues the apply of an accepted (status `applying`) promotion, in the deciding transaction. */
export async function queuePromotionApply(tx: Tx, promotionId: string): Promise<void> {
  // The singleton key makes a second enqueue of the same promotion a no-op.
  await enqueue(tx, queues.applyPromotion, { promotionId }, { singletonKey: promotionId });
}

/**
 * The job: applies a promotion left `applying` by an asynchronous accept or direct promotion, on
 * behalf of whoever decided it, and finishes it as `accepted` (with its result) or `failed` (with the
 * reason), notifying the requester. Idempotent: a promotion that is no longer `applying` is left alone,
 * so a retried or duplicated job changes nothing. Errors other than refusals are thrown, and pg-boss
 * retries the job.
 */
export async function applyQueuedPromotion(promotionId: string): Promise<'accepted' | 'failed' | 'skipped'> {
  return getDb().transaction(async (tx) => {
    const [promotion] = await tx
      .select()
      .from(promotions)
      .where(eq(promotions.id, promotionId))
      .for('update');
    if (!promotion || promotion.status !== 'applying' || !promotion.decidedBy) return 'skipped';
    const context = await decisionContextOf(tx, promotion);
    const { target } = context;
    const decider = await loadActor(tx, promotion.decidedBy, 'job');

    let failure: string | null = null;
    if (!decider || !mayDecideInTarget(decider, target.id, context.action)) {
      failure = `The decider may no longer ${context.action} APIs in ${target.name}.`;
    } else {
      try {
        // A savepoint: a refused apply rolls back its own writes, and the failure is still recorded.
        const result = await tx.transaction((inner) =>
          applyPromotion(inner as unknown as Tx, decider, context),
        );
        await tx
          .update(promotions)
          .set({ status: 'accepted', decidedAt: new Date(), targetApiId: result.apiId, result })
          .where(and(eq(promotions.id, promotionId), eq(promotions.status, 'applying')));
        await notifyRequester(tx, promotion, target.name, 'accepted', null);
        return 'accepted';
      } catch (error) {
        if (!isAppError(error)) throw error;
        failure = error.message;
      }
    }

    await failPromotion(tx, promotion, target.name, failure);
    return 'failed';
  });
}

/** Ends an `applying` promotion as failed, with the reason: audited, and the requester is told. */
async function failPromotion(
  tx: Tx,
  promotion: typeof promotions.$inferSelect,
  targetName: string,
  reason: string,
) {
  const [failed] = await tx
    .update(promotions)
    .set({ status: 'failed', decidedAt: new Date(), reason })
    .where(and(eq(promotions.id, promotion.id), eq(promotions.status, 'applying')))
    .returning({ id: promotions.id });
  if (!failed) return;
  await recordAudit(tx, systemActor, {
    action: 'promotion.failed',
    outcome: 'error',
    environmentIds: [promotion.sourceEnvironmentId, promotion.targetEnvironmentId],
    target: { type: 'promotion', id: promotion.id },
    reason,
    changes: { before: { status: 'applying' }, after: { status: 'failed' } },
  });
  await notifyRequester(tx, promotion, targetName, 'failed', reason);
}

/**
 * A job whose retries are exhausted (an error that is not a refusal kept coming back) lands on the
 * dead-letter queue: its promotion must not stay `applying` forever, so it fails, with the reason.
 */
export async function failExhaustedPromotion(promotionId: string): Promise<void> {
  await getDb().transaction(async (tx) => {
    const [promotion] = await tx
      .select()
      .from(promotions)
      .where(eq(promotions.id, promotionId))
      .for('update');
    if (!promotion || promotion.status !== 'applying') return;
    const { target } = await decisionContextOf(tx, promotion);
    await failPromotion(
      tx,
      promotion,
      target.name,
      'Applying kept failing (the server log has the errors); nothing was applied.',
    );
  });
}

async function notifyRequester(
  tx: Tx,
  promotion: typeof promotions.$inferSelect,
  targetName: string,
  outcome: 'accepted' | 'failed',
  reason: string | null,
) {
  const [decider] = await tx
    .select({ name: users.name })
    .from(users)
    .where(eq(users.id, promotion.decidedBy!));
  const what = outcome === 'accepted' ? `${decider?.name ?? 'Someone'} accepted` : 'Applying failed for';
  await tx.insert(notifications).values({
    userId: promotion.requestedBy,
    kind: `promotion.${outcome}`,
    promotionId: promotion.id,
    title: `${what} the promotion of ${promotion.snapshot.name} to ${targetName}`,
    body: reason,
  });
}

/** Starts this process's worker for queued applies. */
export async function startPromotionWorker(): Promise<void> {
  const boss = await getQueue();
  await boss.work<{ promotionId: string }>(
    queues.applyPromotion,
    { pollingIntervalSeconds: 1 },
    async (jobs) => {
      for (const job of jobs) await applyQueuedPromotion(job.data.promotionId);
    },
  );
}
