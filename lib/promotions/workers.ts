import { getQueue, queues } from '@/lib/jobs/queue';

import { applyQueuedPromotion, failExhaustedPromotion } from './apply-queued-promotion';
import { expirePromotions } from './expire-promotions';

type PromotionJob = { promotionId: string };

/**
 * This process's workers for promotions: queued applies, the dead letters of applies whose retries
 * ran out (their promotion fails), and the expiry of old requests every minute. pg-boss hands each
 * job to one worker across all instances; the schedule is one row, so it fires once per minute in all.
 */
export async function startPromotionWorkers(): Promise<void> {
  const boss = await getQueue();
  await boss.work<PromotionJob>(queues.applyPromotion, { pollingIntervalSeconds: 1 }, async (jobs) => {
    for (const job of jobs) await applyQueuedPromotion(job.data.promotionId);
  });
  await boss.work<PromotionJob>(queues.applyPromotionFailed, { pollingIntervalSeconds: 1 }, async (jobs) => {
    for (const job of jobs) await failExhaustedPromotion(job.data.promotionId);
  });
  await boss.work(queues.expirePromotions, { pollingIntervalSeconds: 5 }, async () => {
    await expirePromotions();
  });
  await boss.schedule(queues.expirePromotions, '* * * * *');
}
