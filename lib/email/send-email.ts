import 'server-only';

import { and, eq, sql } from 'drizzle-orm';

import { getDb } from '@/db';
import { apis, emailDeliveries, outboxEvents, promotions, users } from '@/db/schema';
import { diffValues } from '@/lib/diff';
import { env } from '@/lib/env';
import { enqueue, queues } from '@/lib/jobs/queue';
import type { PromotionEventType } from '@/lib/outbox/events';

import { sendMail } from './mailer';
import { messageFor, type PromotionEventData } from './messages';

export type EmailJob = { deliveryId: string; attempt: number };

/** What a promotion changes in its target, by part: "plans: 2 changes", or that it creates the API. */
async function changesOf(promotionId: string): Promise<string[]> {
  const db = getDb();
  const [promotion] = await db
    .select({
      snapshot: promotions.snapshot,
      crossId: promotions.crossId,
      target: promotions.targetEnvironmentId,
    })
    .from(promotions)
    .where(eq(promotions.id, promotionId));
  if (!promotion) return [];
  const [target] = await db
    .select({ definition: apis.definition })
    .from(apis)
    .where(and(eq(apis.environmentId, promotion.target), eq(apis.crossId, promotion.crossId)));
  if (!target) return ['creates the API there (it does not exist in the target yet)'];
  const counts = new Map<string, number>();
  for (const change of diffValues(target.definition, promotion.snapshot)) {
    const part = change.path.split(/[.[]/)[0] || change.path;
    counts.set(part, (counts.get(part) ?? 0) + 1);
  }
  return [...counts].map(([part, count]) => `${part}: ${count} change${count === 1 ? '' : 's'}`);
}

/** Attempts per email: 30 s, 1, 2, 4 … minutes apart (about two hours in all), then it is failed. */
const maxAttempts = 8;

/**
 * The email-send job: renders one delivery's message and sends it. A failure is recorded with the next
 * attempt queued after a growing delay, in one transaction; the last failure marks the delivery failed.
 * A job for an attempt already made (a crash's rerun) sends nothing.
 */
export async function sendEmailDelivery({ deliveryId, attempt }: EmailJob): Promise<void> {
  const db = getDb();
  const [row] = await db
    .select({ delivery: emailDeliveries, event: outboxEvents, email: users.email })
    .from(emailDeliveries)
    .innerJoin(outboxEvents, eq(outboxEvents.id, emailDeliveries.eventId))
    .innerJoin(users, eq(users.id, emailDeliveries.userId))
    .where(eq(emailDeliveries.id, deliveryId));
  if (!row || row.delivery.status !== 'pending' || row.delivery.attempts !== attempt - 1) return;
  const data = row.event.data as unknown as PromotionEventData;
  const type = row.event.type as PromotionEventType;
  const changes = type === 'promotion.requested' ? await changesOf(data.promotion.id) : [];
  const message = messageFor(type, data, { changes });
  let error: string | null = null;
  try {
    if (message) await sendMail({ to: row.email, ...message });
  } catch (failure) {
    error = String(failure instanceof Error ? failure.message : failure).slice(0, 500);
  }
  const retry = error !== null && attempt < maxAttempts;
  await db.transaction(async (tx) => {
    const [recorded] = await tx
      .update(emailDeliveries)
      .set({
        status: error === null ? 'sent' : retry ? 'pending' : 'failed',
        attempts: attempt,
        error,
        ...(error === null ? { sentAt: sql`now()` } : {}),
      })
      .where(
        and(
          eq(emailDeliveries.id, deliveryId),
          eq(emailDeliveries.status, 'pending'),
          eq(emailDeliveries.attempts, attempt - 1),
        ),
      )
      .returning({ id: emailDeliveries.id });
    if (recorded && retry) {
      await enqueue(tx, queues.sendEmail, { deliveryId, attempt: attempt + 1 } satisfies EmailJob, {
        startAfter: Math.ceil(env.STAGEWAY_EMAIL_RETRY_SECONDS * 2 ** (attempt - 1)),
      });
    }
  });
}
