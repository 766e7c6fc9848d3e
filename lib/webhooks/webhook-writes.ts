import 'server-only';

import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';

import type { Tx } from '@/db';
import { webhookDeliveries, webhooks } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { DeniedError, runAudited } from '@/lib/audit/run-audited';
import { can, canSeeEnvironment, type Actor } from '@/lib/auth/actor';
import { lockEnvironmentToUpdate } from '@/lib/environments/update-approval-policy';
import { AppError, notFound, parseInput } from '@/lib/errors';
import { isUuid } from '@/lib/ids';
import { enqueue, getQueue, queues } from '@/lib/jobs/queue';
import { retryWindowMs } from '@/lib/outbox/dispatch';
import { promotionEventTypes } from '@/lib/outbox/events';

import type { DeliveryJob } from './deliver';
import { generateWebhookSecret, sealWebhookSecret } from './signing';
import { webhookUrlProblem, webhookUrlProblemResolved } from './url-guard';

const url = z
  .string({ error: 'Required' })
  .trim()
  .min(1, 'Required')
  .max(2000, 'At most 2,000 characters')
  .superRefine((text, context) => {
    const problem = webhookUrlProblem(text);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });
const events = z
  .array(z.enum(promotionEventTypes, { error: `One of ${promotionEventTypes.join(', ')}` }))
  .min(1, 'Choose at least one event')
  .transform((chosen) => promotionEventTypes.filter((type) => chosen.includes(type)));

export const webhookInput = z.object({ url, events, active: z.boolean().default(true) });
export const webhookChanges = z.object({ url, events, active: z.boolean() }).partial();

export type WebhookInput = z.input<typeof webhookInput>;
export type WebhookChanges = z.input<typeof webhookChanges>;
/** Whose webhook: an environment's (by key; its admins manage it) or the caller's own. */
export type WebhookOwner = { environment: string } | 'self';

type Webhook = typeof webhooks.$inferSelect;

/** A webhook as its owners see it: never the secret. */
export type WebhookView = Omit<Webhook, 'secretCiphertext'>;

function view(webhook: Webhook): WebhookView {
  const { secretCiphertext, ...visible } = webhook;
  void secretCiphertext;
  return visible;
}

/** What the audit trail keeps of a webhook: where it goes and what it hears, never its secret. */
const audited = (webhook: Pick<Webhook, 'url' | 'events' | 'active'>) => ({
  url: webhook.url,
  events: webhook.events,
  active: webhook.active,
});

async function urlResolvesPrivately(text: string | undefined) {
  const problem = text === undefined ? null : await webhookUrlProblemResolved(text);
  if (problem) {
    throw new AppError('validation', 'The webhook was not saved: some fields need attention.', {
      fieldErrors: { url: [problem] },
    });
  }
}

/**
 * Creates a webhook for an environment (ENVIRONMENT:UPDATE there) or for the caller (their own
 * requests). The secret is in the result, and only there: it is stored encrypted and never shown again.
 */
export async function createWebhook(
  actor: Actor,
  owner: WebhookOwner,
  rawInput: WebhookInput,
): Promise<{ webhook: WebhookView; secret: string }> {
  const input = parseInput(webhookInput, rawInput);
  await urlResolvesPrivately(input.url);
  return runAudited(actor, async (tx) => {
    const environment =
      owner === 'self'
        ? null
        : await lockEnvironmentToUpdate(tx, actor, owner.environment, {
            action: 'webhook.created',
            refusal: "You may not manage this environment's webhooks.",
          });
    const secret = generateWebhookSecret();
    const [created] = await tx
      .insert(webhooks)
      .values({
        environmentId: environment?.id ?? null,
        userId: environment ? null : actor.userId,
        url: input.url,
        events: input.events,
        active: input.active,
        secretCiphertext: sealWebhookSecret(secret),
        createdBy: actor.userId,
      })
      .returning();
    await recordAudit(tx, actor, {
      action: 'webhook.created',
      environmentIds: environment ? [environment.id] : [],
      target: { type: 'webhook', id: created!.id },
      changes: { after: { ...audited(created!), owner: environment ? environment.key : 'self' } },
    });
    return { webhook: view(created!), secret };
  });
}

/**
 * The webhook, locked, if the caller may manage it: their own, or their environment's (404 for what
 * they cannot see; 403, audited, for an environment they see but may not change).
 */
async function lockWebhook(
  tx: Tx,
  actor: Actor,
  webhookId: string,
  action: Parameters<typeof recordAudit>[2]['action'],
) {
  if (!isUuid(webhookId)) throw notFound('Webhook');
  const [webhook] = await tx.select().from(webhooks).where(eq(webhooks.id, webhookId)).for('update');
  if (!webhook) throw notFound('Webhook');
  if (webhook.userId) {
    if (webhook.userId !== actor.userId) throw notFound('Webhook');
    return webhook;
  }
  const environmentId = webhook.environmentId!;
  if (!canSeeEnvironment(actor, environmentId)) throw notFound('Webhook');
  if (!can(actor, 'ENVIRONMENT:UPDATE', { environmentId })) {
    throw new DeniedError("You may not manage this environment's webhooks.", {
      action,
      environmentIds: [environmentId],
      target: { type: 'webhook', id: webhook.id },
    });
  }
  return webhook;
}

/** Changes a webhook's URL, events or active flag; the audit event holds what changed, before and after. */
export async function updateWebhook(actor: Actor, webhookId: string, rawChanges: WebhookChanges) {
  const changes = parseInput(webhookChanges, rawChanges);
  await urlResolvesPrivately(changes.url);
  return runAudited(actor, async (tx) => {
    const webhook = await lockWebhook(tx, actor, webhookId, 'webhook.updated');
    const changed = (Object.keys(changes) as (keyof typeof changes)[]).filter(
      (key) => JSON.stringify(changes[key]) !== JSON.stringify(webhook[key]),
    );
    if (!changed.length) throw new AppError('no_changes', 'Nothing changed: the webhook is the same.');
    const [updated] = await tx
      .update(webhooks)
      .set({ ...changes, updatedAt: sql`now()` })
      .where(eq(webhooks.id, webhook.id))
      .returning();
    await recordAudit(tx, actor, {
      action: 'webhook.updated',
      environmentIds: webhook.environmentId ? [webhook.environmentId] : [],
      target: { type: 'webhook', id: webhook.id },
      changes: {
        before: Object.fromEntries(changed.map((key) => [key, audited(webhook)[key]])),
        after: Object.fromEntries(changed.map((key) => [key, audited(updated!)[key]])),
      },
    });
    return view(updated!);
  });
}

/** Deletes a webhook and its delivery log; deliveries still waiting are not sent. */
export async function deleteWebhook(actor: Actor, webhookId: string): Promise<void> {
  await runAudited(actor, async (tx) => {
    const webhook = await lockWebhook(tx, actor, webhookId, 'webhook.deleted');
    await tx.delete(webhooks).where(eq(webhooks.id, webhook.id));
    await recordAudit(tx, actor, {
      action: 'webhook.deleted',
      environmentIds: webhook.environmentId ? [webhook.environmentId] : [],
      target: { type: 'webhook', id: webhook.id },
      changes: { before: audited(webhook) },
    });
  });
}

/** A new signing secret, returned this once; the old one stops signing at once. */
export async function rotateWebhookSecret(actor: Actor, webhookId: string) {
  return runAudited(actor, async (tx) => {
    const webhook = await lockWebhook(tx, actor, webhookId, 'webhook.secret_rotated');
    const secret = generateWebhookSecret();
    const [updated] = await tx
      .update(webhooks)
      .set({ secretCiphertext: sealWebhookSecret(secret), updatedAt: sql`now()` })
      .where(eq(webhooks.id, webhook.id))
      .returning();
    await recordAudit(tx, actor, {
      action: 'webhook.secret_rotated',
      environmentIds: webhook.environmentId ? [webhook.environmentId] : [],
      target: { type: 'webhook', id: webhook.id },
    });
    return { webhook: view(updated!), secret };
  });
}

/**
 * Sends a delivery again, with the same event id (receivers deduplicate on it): it becomes pending,
 * with a fresh 24 hours of retries. Refused while it is still being retried.
 */
export async function redeliverWebhookDelivery(actor: Actor, webhookId: string, deliveryId: string) {
  await getQueue(); // Started before the transaction: on PGlite, starting it inside would wait on itself.
  return runAudited(actor, async (tx) => {
    const webhook = await lockWebhook(tx, actor, webhookId, 'webhook.redelivered');
    if (!isUuid(deliveryId)) throw notFound('Delivery');
    const [delivery] = await tx
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.webhookId, webhook.id)))
      .for('update');
    if (!delivery) throw notFound('Delivery');
    if (delivery.status === 'pending') {
      throw new AppError('conflict', 'This delivery is still being retried: wait for its outcome.');
    }
    await tx
      .update(webhookDeliveries)
      .set({ status: 'pending', nextAttemptAt: sql`now()`, retryUntil: new Date(Date.now() + retryWindowMs) })
      .where(eq(webhookDeliveries.id, delivery.id));
    await enqueue(tx, queues.deliverWebhook, {
      deliveryId: delivery.id,
      attempt: delivery.attempts + 1,
    } satisfies DeliveryJob);
    await recordAudit(tx, actor, {
      action: 'webhook.redelivered',
      environmentIds: webhook.environmentId ? [webhook.environmentId] : [],
      target: { type: 'webhook', id: webhook.id },
      changes: { after: { delivery: delivery.id, event: delivery.eventId, eventType: delivery.eventType } },
    });
    return { deliveryId: delivery.id };
  });
}
