import 'server-only';

import { getQueue, queues } from '@/lib/jobs/queue';
import { sendEmailDelivery, type EmailJob } from '@/lib/email/send-email';
import { deliverWebhook, type DeliveryJob } from '@/lib/webhooks/deliver';

import { dispatchPending } from './dispatch';

const relayIntervalMs = 1000;
let relay: NodeJS.Timeout | undefined;

/**
 * This process's part in what leaves Stageway: the relay, which looks for new outbox events every
 * second (every instance runs one; SKIP LOCKED shares the events out), the webhook deliveries,
 * several at once, so a slow receiver does not hold up the others, and the email.
 */
export async function startOutboxWorkers(): Promise<void> {
  const boss = await getQueue();
  await boss.work<DeliveryJob>(
    queues.deliverWebhook,
    { pollingIntervalSeconds: 1, batchSize: 10 },
    async (jobs) => {
      await Promise.all(jobs.map((job) => deliverWebhook(job.data)));
    },
  );
  await boss.work<EmailJob>(queues.sendEmail, { pollingIntervalSeconds: 1, batchSize: 5 }, async (jobs) => {
    await Promise.all(jobs.map((job) => sendEmailDelivery(job.data)));
  });
  let busy = false;
  relay ??= setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      try {
        while ((await dispatchPending()) > 0);
      } catch (error) {
        console.error('Stageway: the outbox relay failed; it tries again in a second.', error);
      } finally {
        busy = false;
      }
    })();
  }, relayIntervalMs);
  relay.unref();
}

export function stopOutboxWorkers(): void {
  clearInterval(relay);
  relay = undefined;
}
