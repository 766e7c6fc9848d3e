import 'server-only';

import { and, arrayOverlaps, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';

import { getDb } from '@/db';
import { emailDeliveries, outboxEvents, webhookDeliveries, webhooks } from '@/db/schema';
import { isEmailEnabled } from '@/lib/email/mailer';
import { recipientsOf } from '@/lib/email/recipients';
import type { EmailJob } from '@/lib/email/send-email';
import { enqueue, getQueue, queues } from '@/lib/jobs/queue';
import type { DeliveryJob } from '@/lib/webhooks/deliver';

import type { PromotionEventType } from './events';

/** How long a delivery is retried: 24 hours from its first attempt (or its redelivery). */
export const retryWindowMs = 24 * 60 * 60 * 1000;

const batchSize = 100;

/**
 * The relay: fans the oldest events not yet dispatched out to the active webhooks that asked for them
 * (their environments' and their requester's) and, when email is on, to the people who should hear of
 * them (lib/email/recipients.ts), one delivery and one job each, and marks them dispatched, all in one
 * transaction. The events are locked with SKIP LOCKED, so relays of several
 * instances share the work and never take an event twice. Returns how many events it took.
 */
export async function dispatchPending(): Promise<number> {
  await getQueue(); // Started before the transaction: on PGlite, starting it inside would wait on itself.
  return getDb().transaction(async (tx) => {
    const events = await tx
      .select()
      .from(outboxEvents)
      .where(isNull(outboxEvents.dispatchedAt))
      .orderBy(asc(outboxEvents.createdAt))
      .limit(batchSize)
      .for('update', { skipLocked: true });
    if (!events.length) return 0;
    const listeners = await tx
      .select({
        id: webhooks.id,
        environmentId: webhooks.environmentId,
        userId: webhooks.userId,
        events: webhooks.events,
      })
      .from(webhooks)
      .where(
        and(
          eq(webhooks.active, true),
          arrayOverlaps(webhooks.events, [...new Set(events.map((event) => event.type))]),
          or(
            inArray(webhooks.environmentId, [...new Set(events.flatMap((event) => event.environmentIds))]),
            inArray(webhooks.userId, [...new Set(events.flatMap((event) => event.userIds))]),
          ),
        ),
      );
    const deliveries = events.flatMap((event) =>
      listeners
        .filter(
          (webhook) =>
            webhook.events.includes(event.type) &&
            (event.environmentIds.includes(webhook.environmentId!) ||
              event.userIds.includes(webhook.userId!)),
        )
        .map((webhook) => ({
          webhookId: webhook.id,
          eventId: event.id,
          eventType: event.type,
          retryUntil: new Date(Date.now() + retryWindowMs),
        })),
    );
    if (deliveries.length) {
      const created = await tx
        .insert(webhookDeliveries)
        .values(deliveries)
        .onConflictDoNothing()
        .returning({ id: webhookDeliveries.id });
      for (const delivery of created) {
        await enqueue(tx, queues.deliverWebhook, {
          deliveryId: delivery.id,
          attempt: 1,
        } satisfies DeliveryJob);
      }
    }
    if (isEmailEnabled()) {
      for (const event of events) {
        const recipients = await recipientsOf(tx, {
          type: event.type as PromotionEventType,
          data: event.data as Parameters<typeof recipientsOf>[1]['data'],
        });
        if (!recipients.length) continue;
        const created = await tx
          .insert(emailDeliveries)
          .values(recipients.map((recipient) => ({ eventId: event.id, ...recipient })))
          .onConflictDoNothing()
          .returning({ id: emailDeliveries.id });
        for (const delivery of created) {
          await enqueue(tx, queues.sendEmail, { deliveryId: delivery.id, attempt: 1 } satisfies EmailJob);
        }
      }
    }
    await tx
      .update(outboxEvents)
      .set({ dispatchedAt: sql`now()` })
      .where(
        inArray(
          outboxEvents.id,
          events.map((event) => event.id),
        ),
      );
    return events.length;
  });
}
