import 'server-only';

import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';

import { getDb } from '@/db';
import { environments, webhookDeliveries, webhooks } from '@/db/schema';
import { can, canSeeEnvironment, type Actor } from '@/lib/auth/actor';
import { notFound, parseInput } from '@/lib/errors';
import { isUuid } from '@/lib/ids';
import { decodeCursor, defaultPageSize, encodeCursor, type Page } from '@/lib/pagination';

import type { WebhookOwner, WebhookView } from './webhook-writes';

const visibleColumns = {
  id: webhooks.id,
  environmentId: webhooks.environmentId,
  userId: webhooks.userId,
  url: webhooks.url,
  events: webhooks.events,
  active: webhooks.active,
  createdBy: webhooks.createdBy,
  createdAt: webhooks.createdAt,
  updatedAt: webhooks.updatedAt,
};

/** The environment by key, if the actor may manage its webhooks (ENVIRONMENT:UPDATE); otherwise 404. */
async function managedEnvironment(actor: Actor, key: string) {
  const [environment] = await getDb()
    .select({ id: environments.id, key: environments.key, name: environments.name })
    .from(environments)
    .where(eq(environments.key, key));
  if (!environment || !canSeeEnvironment(actor, environment.id)) throw notFound('Environment');
  return { ...environment, mayManage: can(actor, 'ENVIRONMENT:UPDATE', { environmentId: environment.id }) };
}

/** An environment's webhooks (its admins'), or the actor's own. */
export async function listWebhooks(actor: Actor, owner: WebhookOwner): Promise<WebhookView[]> {
  let where;
  if (owner === 'self') where = eq(webhooks.userId, actor.userId);
  else {
    const environment = await managedEnvironment(actor, owner.environment);
    if (!environment.mayManage) throw notFound('Environment');
    where = eq(webhooks.environmentId, environment.id);
  }
  return getDb().select(visibleColumns).from(webhooks).where(where).orderBy(asc(webhooks.createdAt));
}

/** Whether the actor may manage an environment's webhooks (for showing the page and its link). */
export async function mayManageWebhooks(actor: Actor, environmentKey: string): Promise<boolean> {
  return (await managedEnvironment(actor, environmentKey)).mayManage;
}

/** One webhook the actor may manage (their own, or their environment's), with the environment's key. */
export async function getWebhook(actor: Actor, webhookId: string) {
  if (!isUuid(webhookId)) throw notFound('Webhook');
  const [found] = await getDb()
    .select({ ...visibleColumns, environmentKey: environments.key, environmentName: environments.name })
    .from(webhooks)
    .leftJoin(environments, eq(environments.id, webhooks.environmentId))
    .where(eq(webhooks.id, webhookId));
  if (!found) throw notFound('Webhook');
  const mine = found.userId === actor.userId;
  const managed =
    found.environmentId !== null && can(actor, 'ENVIRONMENT:UPDATE', { environmentId: found.environmentId });
  if (!mine && !managed) throw notFound('Webhook');
  return found;
}

const deliveryCursor = z.object({ createdAt: z.string(), id: z.uuid() });

export const deliveryListQuery = z.object({
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(defaultPageSize),
});

/** A webhook's delivery log, newest first, keyset-paginated (`webhook_deliveries_log_idx`). */
export async function listWebhookDeliveries(
  actor: Actor,
  webhookId: string,
  query: z.input<typeof deliveryListQuery> = {},
) {
  const webhook = await getWebhook(actor, webhookId);
  const { cursor, limit } = parseInput(deliveryListQuery, query);
  const after = decodeCursor(deliveryCursor, cursor);
  const rows = await getDb()
    .select({
      id: webhookDeliveries.id,
      eventId: webhookDeliveries.eventId,
      eventType: webhookDeliveries.eventType,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      responseStatus: webhookDeliveries.responseStatus,
      responseExcerpt: webhookDeliveries.responseExcerpt,
      error: webhookDeliveries.error,
      durationMs: webhookDeliveries.durationMs,
      lastAttemptAt: webhookDeliveries.lastAttemptAt,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      createdAt: webhookDeliveries.createdAt,
      // The cursor keeps PostgreSQL's microseconds, which a Date would round away.
      position: sql<string>`${webhookDeliveries.createdAt}::text`,
    })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.webhookId, webhook.id),
        after
          ? sql`(${webhookDeliveries.createdAt}, ${webhookDeliveries.id}) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit).map((row) => {
    const { position, ...item } = row;
    void position;
    return item;
  });
  const last = rows[limit - 1];
  const page: Page<(typeof items)[number]> = {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.position, id: last.id }) : null,
  };
  return { webhook, ...page };
}
