import 'server-only';

import { and, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';

import type { Tx } from '@/db';
import { groupMembers, groups, promotions, roleBindings, users } from '@/db/schema';
import { loadActor } from '@/lib/auth/actor';
import type { PromotionEventType } from '@/lib/outbox/events';
import { loadPolicy } from '@/lib/promotions/approval-policy';
import { promotionAction, targetApiExists, whyCannotApprove } from '@/lib/promotions/rules';

import { messageFor, type PromotionEventData } from './messages';

export type Recipient = { userId: string; role: 'approver' | 'requester' };

type EventFacts = {
  type: PromotionEventType;
  data: {
    promotion: { id: string; requestedBy: { id: string } | null; target: { name: string } };
    actor: { id: string | null };
  };
};

/**
 * Who is emailed about an event: for a new request, everyone who may approve it now (by their
 * environment roles in the target, direct or through a group, judged by its policy as for the Tasks
 * inbox) and wants all email; for anything else, the requester (unless they did it themselves) when
 * they want news of their own requests.
 */
export async function recipientsOf(tx: Tx, event: EventFacts): Promise<Recipient[]> {
  // Events that are no news by email (an acceptance, a cancellation) go to nobody.
  if (!messageFor(event.type, event.data as unknown as PromotionEventData)) return [];
  const { promotion, actor } = event.data;
  if (event.type !== 'promotion.requested') {
    const requester = promotion.requestedBy?.id;
    if (!requester || requester === actor.id) return [];
    const [user] = await tx
      .select({ id: users.id })
      .from(users)
      .where(
        and(
          eq(users.id, requester),
          isNull(users.disabledAt),
          inArray(users.emailNotifications, ['all', 'mine']),
        ),
      );
    return user ? [{ userId: user.id, role: 'requester' }] : [];
  }

  const [row] = await tx
    .select({
      targetEnvironmentId: promotions.targetEnvironmentId,
      requestedBy: promotions.requestedBy,
      authorIds: promotions.authorIds,
      status: promotions.status,
      targetApiExists,
    })
    .from(promotions)
    .where(eq(promotions.id, promotion.id));
  if (!row || row.status !== 'pending') return [];
  const direct = tx
    .select({ userId: roleBindings.userId })
    .from(roleBindings)
    .where(
      and(eq(roleBindings.scope, 'environment'), eq(roleBindings.environmentId, row.targetEnvironmentId)),
    );
  const viaGroups = tx
    .select({ userId: groupMembers.userId })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .where(and(eq(groups.environmentId, row.targetEnvironmentId), isNotNull(groups.environmentRole)));
  const candidates = await tx
    .select({ id: users.id })
    .from(users)
    .where(
      and(
        eq(users.emailNotifications, 'all'),
        isNull(users.disabledAt),
        sql`${users.id} in (${direct} union ${viaGroups})`,
      ),
    );
  const policy = await loadPolicy(tx, row.targetEnvironmentId);
  const action = promotionAction(row.targetApiExists);
  const approvers: Recipient[] = [];
  for (const candidate of candidates) {
    const approver = await loadActor(tx, candidate.id, 'password');
    const refusal =
      approver &&
      whyCannotApprove(approver, row, action, policy, {
        alreadyApproved: false,
        targetName: promotion.target.name,
      });
    if (approver && refusal === null) approvers.push({ userId: candidate.id, role: 'approver' });
  }
  return approvers;
}
