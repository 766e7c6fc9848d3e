import 'server-only';

import { and, eq } from 'drizzle-orm';

import type { Tx } from '@/db';
import { promotions, users, type PromotionResult } from '@/db/schema';
import type { AuditAction } from '@/lib/audit/actions';
import { recordAudit, type AuditActor } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { emit } from '@/lib/outbox/emit';
import type { PromotionEventType } from '@/lib/outbox/events';

/**
 * The one place a promotion's status changes. Every move is checked against the lifecycle, made with
 * a conditional update (so of racing callers exactly one moves it), and audited and notified in the
 * caller's transaction:
 *
 *   pending ─┬─ accepted                      (the approvals met the policy, applied at once)
 *            ├─ applying ─┬─ accepted          (…applied by a job)
 *            │            └─ failed
 *            ├─ rejected | cancelled | expired
 *            └─ superseded                    (the requester updated it: a new request replaces it)
 *
 * Approvals do not change the status: a pending promotion collects them until its policy is met.
 */

export type Promotion = typeof promotions.$inferSelect;
export type PromotionStatus = Promotion['status'];

const moves: Record<PromotionStatus, readonly PromotionStatus[]> = {
  pending: ['accepted', 'applying', 'rejected', 'cancelled', 'expired', 'superseded'],
  applying: ['accepted', 'failed'],
  accepted: [],
  rejected: [],
  cancelled: [],
  expired: [],
  superseded: [],
  failed: [],
};

export const openStatuses = ['pending', 'applying'] as const satisfies PromotionStatus[];

export type Move = {
  to: PromotionStatus;
  reason?: string | null;
  result?: PromotionResult;
  /** More for the audit event's `after` (the policy version it was judged by, the approvers …). */
  details?: Record<string, unknown>;
};

function auditActionOf(from: PromotionStatus, to: PromotionStatus): AuditAction {
  if (to === 'applying') return 'promotion.accepted';
  if (to === 'accepted') return from === 'applying' ? 'promotion.applied' : 'promotion.accepted';
  return `promotion.${to as 'rejected' | 'cancelled' | 'expired' | 'superseded' | 'failed'}`;
}

/** Whom the requester hears about, and how it reads in their bell. */
function noticeOf(to: PromotionStatus, who: string, what: string): string | null {
  switch (to) {
    case 'accepted':
      return `${who} accepted the promotion of ${what}`;
    case 'rejected':
      return `${who} rejected the promotion of ${what}`;
    case 'expired':
      return `Your request to promote ${what} expired`;
    case 'failed':
      return `Applying failed for the promotion of ${what}`;
    default:
      return null;
  }
}

export async function transition(
  tx: Tx,
  actor: Actor | AuditActor,
  promotion: Promotion,
  target: { name: string },
  move: Move,
): Promise<Promotion> {
  const from = promotion.status;
  if (!moves[from].includes(move.to)) throw await alreadyDecided(tx, promotion);
  const userId = 'userId' in actor ? actor.userId : null;

  const [moved] = await tx
    .update(promotions)
    .set({
      status: move.to,
      // The decider is whoever moved it out of pending; a job finishing an apply keeps them.
      ...(from === 'pending' ? { decidedBy: userId } : {}),
      decidedAt: move.to === 'applying' ? null : new Date(),
      ...(move.reason !== undefined ? { reason: move.reason || null } : {}),
      ...(move.result ? { result: move.result, targetApiId: move.result.apiId } : {}),
    })
    .where(and(eq(promotions.id, promotion.id), eq(promotions.status, from)))
    .returning();
  if (!moved) {
    const [now] = await tx.select().from(promotions).where(eq(promotions.id, promotion.id));
    throw await alreadyDecided(tx, now ?? promotion);
  }

  await recordAudit(tx, actor, {
    action: auditActionOf(from, move.to),
    outcome: move.to === 'failed' ? 'error' : 'success',
    environmentIds: [promotion.sourceEnvironmentId, promotion.targetEnvironmentId],
    target: { type: 'promotion', id: promotion.id },
    reason: move.reason || undefined,
    changes: {
      before: { status: from },
      after: { status: move.to, result: move.result, ...move.details },
    },
  });

  const what = `${promotion.snapshot.name} to ${target.name}`;
  const notice = noticeOf(move.to, 'userId' in actor ? actor.name : 'Stageway', what) ?? undefined;
  for (const [index, type] of eventsOf(from, move.to).entries()) {
    await emit(tx, {
      type,
      promotion: moved,
      actor,
      reason: move.reason,
      notice: index ? undefined : notice,
    });
  }
  return moved;
}

/** What a move tells the world: accepting and applying at once is both events, in that order. */
function eventsOf(from: PromotionStatus, to: PromotionStatus): PromotionEventType[] {
  if (to === 'applying') return ['promotion.accepted'];
  if (to === 'accepted')
    return from === 'applying' ? ['promotion.applied'] : ['promotion.accepted', 'promotion.applied'];
  if (to === 'superseded' || to === 'pending') return [];
  return [`promotion.${to}`];
}

/** The answer to acting on a promotion that has left `pending`: what happened, and who did it. */
export async function alreadyDecided(tx: Tx, promotion: Promotion): Promise<AppError> {
  const [decider] = promotion.decidedBy
    ? await tx.select({ name: users.name }).from(users).where(eq(users.id, promotion.decidedBy))
    : [];
  const by = decider ? ` by ${decider.name}` : '';
  const [successor] =
    promotion.status === 'superseded'
      ? await tx.select({ id: promotions.id }).from(promotions).where(eq(promotions.supersedes, promotion.id))
      : [];
  const message = {
    pending: 'This promotion is still pending.',
    applying: `This promotion was already accepted${by} and is being applied.`,
    accepted: `This promotion was already accepted${by}.`,
    rejected: `This promotion was already rejected${by}.`,
    cancelled: `This promotion was already cancelled${by}.`,
    failed: `This promotion was accepted${by}, but applying it failed.`,
    expired: 'This promotion request expired before it was decided.',
    superseded: `This request was replaced by a newer one${by}, for the source's current revision.`,
  }[promotion.status];
  return new AppError('conflict', message, {
    details: {
      promotionStatus: promotion.status,
      decidedBy: decider?.name ?? null,
      decidedAt: promotion.decidedAt,
      ...(successor ? { supersededBy: successor.id } : {}),
    },
  });
}
