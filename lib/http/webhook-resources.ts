import { z } from 'zod';

import { promotionStatus } from '@/db/schema';
import { promotionEventTypes } from '@/lib/outbox/events';
import type { listWebhookDeliveries } from '@/lib/webhooks/queries';
import { webhookChanges, webhookInput, type WebhookView } from '@/lib/webhooks/webhook-writes';

import { timestamp } from './resources';

/** Webhooks over REST: an environment's (its admins) and a user's own; their delivery logs. */

const iso = (date: Date | null) => date?.toISOString() ?? null;
const eventType = z.enum(promotionEventTypes);

export const webhookResource = z.object({
  id: z.uuid(),
  /** The environment whose promotions it hears of; null: the caller's own webhook (their requests). */
  environment: z.string().nullable(),
  url: z.string(),
  events: z.array(eventType),
  active: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export const webhookCreatedResource = webhookResource.extend({
  /** The signing secret: in this response only. */
  secret: z.string(),
});
export const webhookListResponse = z.object({ items: z.array(webhookResource) });
export const webhookSecretResource = z.object({ secret: z.string() });
export const webhookCreateBody = webhookInput;
export const webhookUpdateBody = webhookChanges;

export const webhookDeliveryResource = z.object({
  id: z.uuid(),
  eventId: z.uuid(),
  eventType,
  status: z.enum(['pending', 'succeeded', 'failed']),
  attempts: z.int(),
  /** The last attempt's status code (null: no answer), its error, and the first 500 characters of the answer. */
  responseStatus: z.int().nullable(),
  responseExcerpt: z.string().nullable(),
  error: z.string().nullable(),
  durationMs: z.int().nullable(),
  lastAttemptAt: timestamp.nullable(),
  nextAttemptAt: timestamp.nullable(),
  createdAt: timestamp,
});
export const webhookDeliveryListResponse = z.object({
  items: z.array(webhookDeliveryResource),
  nextCursor: z.string().nullable(),
});

const place = z.object({ key: z.string(), name: z.string() });

/** What a receiver gets (the OpenAPI document's `webhooks`): one schema for every promotion event. */
export const webhookEventResource = z.object({
  id: z.uuid().describe('The event id: the same on every retry and redelivery (deduplicate on it)'),
  type: eventType,
  createdAt: timestamp,
  data: z.object({
    promotion: z.object({
      id: z.uuid(),
      number: z.int(),
      status: z.enum(promotionStatus.enumValues),
      title: z.string().nullable(),
      api: z.object({ id: z.uuid(), crossId: z.uuid(), name: z.string() }),
      source: place,
      target: place,
      sourceRevision: z.int(),
      requestedBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
      requestedAt: timestamp,
      decidedAt: timestamp.nullable(),
      result: z
        .object({ apiId: z.uuid(), revision: z.int(), action: z.enum(['created', 'updated']) })
        .nullable()
        .describe('Once applied: the API in the target and its new revision'),
      url: z.string().describe('The promotion in the console'),
    }),
    actor: z.object({
      type: z.enum(['user', 'token', 'system']),
      id: z.uuid().nullable(),
      name: z.string(),
    }),
    reason: z.string().nullable().describe("The decision's reason or the approval's comment"),
    progress: z
      .string()
      .nullable()
      .describe('promotion.approved: where the approvals stand, e.g. "1 of 2 approvals"'),
  }),
});

export function toWebhook(
  webhook: WebhookView,
  environmentKey: string | null,
): z.input<typeof webhookResource> {
  return {
    id: webhook.id,
    environment: environmentKey,
    url: webhook.url,
    events: webhook.events as z.input<typeof eventType>[],
    active: webhook.active,
    createdAt: webhook.createdAt.toISOString(),
    updatedAt: webhook.updatedAt.toISOString(),
  };
}

type Delivery = Awaited<ReturnType<typeof listWebhookDeliveries>>['items'][number];

export function toWebhookDelivery(delivery: Delivery): z.input<typeof webhookDeliveryResource> {
  return {
    ...delivery,
    eventType: delivery.eventType as z.input<typeof eventType>,
    lastAttemptAt: iso(delivery.lastAttemptAt),
    nextAttemptAt: iso(delivery.nextAttemptAt),
    createdAt: delivery.createdAt.toISOString(),
  };
}
