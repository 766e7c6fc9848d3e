import 'server-only';

import { and, eq, isNull } from 'drizzle-orm';

import { getDb } from '@/db';
import { notifications } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';

/**
 * Marks all of the actor's notifications read. Only ever the actor's own rows (the user id comes from
 * the session); a personal reading state, so it is not an audited act.
 */
export async function markNotificationsRead(actor: Actor): Promise<{ marked: number }> {
  const marked = await getDb()
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.userId, actor.userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return { marked: marked.length };
}
