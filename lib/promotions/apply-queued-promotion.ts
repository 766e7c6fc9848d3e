import 'server-only';

import { eq, sql } from 'drizzle-orm';

import { getDb, type Tx } from '@/db';
import { promotions } from '@/db/schema';
import { systemActor } from '@/lib/audit/record';
import { loadActor } from '@/lib/auth/actor';
import { isAppError } from '@/lib/errors';
import { enqueue, queues } from '@/lib/jobs/queue';

import { applyPromotion } from './apply-promotion';
import { decisionContextOf } from './decision';
import { transition } from './lifecycle';
import { mayDecideInTarget } from './rules';

/** Enqueues the apply of an accepted (status `applying`) promotion, in the deciding transaction. */
export async function queuePromotionApply(tx: Tx, promotionId: string): Promise<void> {
  // The singleton key makes a second enqueue of the same promotion a no-op.
  await enqueue(tx, queues.applyPromotion, { promotionId }, { singletonKey: promotionId });
}

/**
 * The job: applies a promotion left `applying` by an asynchronous accept or direct promotion, on
 * behalf of whoever decided it, and finishes it as `accepted` (with its result) or `failed` (with the
 * reason). Idempotent: a promotion that is no longer `applying` is left alone, so a retried or
 * duplicated job changes nothing. Errors other than refusals are thrown, and pg-boss retries the job.
 */
export async function applyQueuedPromotion(promotionId: string): Promise<'accepted' | 'failed' | 'skipped'> {
  return getDb().transaction(async (tx) => {
    // Nobody waits on a job: it may wait for locks longer than a request (db/config.ts) rather than fail.
    await tx.execute(sql`set local lock_timeout = '15s'`);
    const [promotion] = await tx
      .select()
      .from(promotions)
      .where(eq(promotions.id, promotionId))
      .for('update');
    if (!promotion || promotion.status !== 'applying' || !promotion.decidedBy) return 'skipped';
    const context = await decisionContextOf(tx, promotion);
    const { target } = context;
    const decider = await loadActor(tx, promotion.decidedBy, 'job');

    let failure: string;
    if (!decider || !mayDecideInTarget(decider, target.id, context.action)) {
      failure = `The decider may no longer ${context.action} APIs in ${target.name}.`;
    } else {
      try {
        // A savepoint: a refused apply rolls back its own writes, and the failure is still recorded.
        const result = await tx.transaction((inner) =>
          applyPromotion(inner as unknown as Tx, decider, context),
        );
        await transition(tx, decider, promotion, target, { to: 'accepted', result });
        return 'accepted';
      } catch (error) {
        if (!isAppError(error)) throw error;
        failure = error.message;
      }
    }
    await transition(tx, systemActor, promotion, target, { to: 'failed', reason: failure });
    return 'failed';
  });
}

/**
 * A job whose retries are exhausted (an error that is not a refusal kept coming back) lands on the
 * dead-letter queue, whose worker calls this: the promotion must not stay `applying` forever.
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
    await transition(tx, systemActor, promotion, target, {
      to: 'failed',
      reason: 'Applying kept failing (the server log has the errors); nothing was applied.',
    });
  });
}
