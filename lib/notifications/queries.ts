import 'server-only';

import { and, count, desc, eq, isNull } from 'drizzle-orm';

import { getDb } from '@/db';
import { notifications } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';

/** The actor's latest notifications and how many are unread. Scoped by the actor, never by a parameter. */
export async function listNotifications(actor: Actor, limit = 10) {
  const db = getDb();
  const [items, [unread]] = await Promise.all([
    db
      .select({
        id: notifications.id,
        kind: notifications.kind,
        title: notifications.title,
        body: notifications.body,
        promotionId: notifications.promotionId,
        createdAt: notifications.createdAt,
        readAt: notifications.readAt,
      })
      .from(notifications)
      .where(eq(notifications.userId, actor.userId))
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(limit),
    db
      .select({ count: count() })
      .from(notifications)
      .where(and(eq(notifications.userId, actor.userId), isNull(notifications.readAt))),
  ]);
  return { items, unreadCount: unread?.count ?? 0 };
}
