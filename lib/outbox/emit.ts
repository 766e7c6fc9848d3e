import 'server-only';

import { eq, inArray } from 'drizzle-orm';

import type { Tx } from '@/db';
import { environments, notifications, outboxEvents, promotions, users } from '@/db/schema';
import type { AuditActor } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/actor';
import { env } from '@/lib/env';

import type { PromotionEventType } from './events';

type Promotion = typeof promotions.$inferSelect;

export type PromotionEvent = {
  type: PromotionEventType;
  /** The promotion as it is after the change. */
  promotion: Promotion;
  actor: Actor | AuditActor;
  /** The decision's reason or the approval's comment. */
  reason?: string | null;
  /** Where the approvals stand ("1 of 2 approvals · still needs …"), for promotion.approved. */
  progress?: string;
  /** promotion.approved: whether this approval completed the policy (acceptance follows at once). */
  policyMet?: boolean;
  /** What the requester's bell says (unless they are the actor), e.g. "Bob accepted …". */
  notice?: string;
};

/**
 * The one way a domain event leaves the change that caused it, in that change's transaction: the
 * requester's notice in the bell, and an outbox row that the relay (./dispatch.ts) fans out to
 * webhooks (and email) after the commit. A change that rolls back takes all of it with it; a committed
 * one is delivered even if this process dies the moment after (the row waits in PostgreSQL).
 */
export async function emit(tx: Tx, event: PromotionEvent): Promise<void> {
  const { promotion, actor } = event;
  const actorUserId = 'userId' in actor ? actor.userId : null;
  if (event.notice && promotion.requestedBy !== actorUserId) {
    await tx.insert(notifications).values({
      userId: promotion.requestedBy,
      kind: event.type,
      promotionId: promotion.id,
      title: event.notice,
      body: event.reason || null,
    });
  }
  await tx.insert(outboxEvents).values({
    type: event.type,
    data: await promotionEventData(tx, event),
    environmentIds: [promotion.sourceEnvironmentId, promotion.targetEnvironmentId],
    userIds: [promotion.requestedBy],
  });
}

/** An absolute link into the console, for webhook payloads and email. */
export function consoleUrl(path: string): string {
  return new URL(path, env.STAGEWAY_PUBLIC_URL).toString();
}

/** `data` of a promotion event: the schema documented as `PromotionEventData` in the OpenAPI document. */
async function promotionEventData(tx: Tx, { promotion, actor, reason, progress, policyMet }: PromotionEvent) {
  const places = await tx
    .select({ id: environments.id, key: environments.key, name: environments.name })
    .from(environments)
    .where(inArray(environments.id, [promotion.sourceEnvironmentId, promotion.targetEnvironmentId]));
  const place = (id: string) => {
    const found = places.find((candidate) => candidate.id === id)!;
    return { key: found.key, name: found.name };
  };
  const [requester] = await tx
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(eq(users.id, promotion.requestedBy));
  const who = 'userId' in actor ? { type: 'user', id: actor.userId, name: actor.name } : actor;
  return {
    promotion: {
      id: promotion.id,
      number: promotion.number,
      status: promotion.status,
      title: promotion.title,
      api: { id: promotion.apiId, crossId: promotion.crossId, name: promotion.snapshot.name },
      source: place(promotion.sourceEnvironmentId),
      target: place(promotion.targetEnvironmentId),
      sourceRevision: promotion.sourceRevision,
      requestedBy: requester ?? null,
      requestedAt: promotion.createdAt.toISOString(),
      decidedAt: promotion.decidedAt?.toISOString() ?? null,
      result: promotion.result ?? null,
      url: consoleUrl(`/promotions/${promotion.id}`),
    },
    actor: { type: who.type, id: who.id, name: who.name },
    reason: reason || null,
    progress: progress ?? null,
    policyMet: policyMet ?? null,
  };
}
