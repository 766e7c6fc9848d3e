import 'server-only';

import { and, eq, inArray, sql } from 'drizzle-orm';

import { getDb } from '@/db';
import { approvalPolicies, environments, promotions } from '@/db/schema';
import { systemActor } from '@/lib/audit/record';

import { transition } from './lifecycle';

/** Rows handled per run; the schedule comes back every minute for the rest. */
const batchSize = 200;

/**
 * The scheduled job: pending requests older than their target policy's expiry become `expired`,
 * audited as the system, the requester notified. Expired requests no longer hold the one-open-request
 * slot, so the API can be requested again. Rows locked by a decision in progress are skipped (that
 * decision wins), so instances running this at once never expire one promotion twice.
 */
export async function expirePromotions(): Promise<number> {
  return getDb().transaction(async (tx) => {
    const expiryHours = sql<number | null>`(select ${approvalPolicies.expiryHours} from ${approvalPolicies}
      where ${approvalPolicies.environmentId} = ${promotions.targetEnvironmentId}
      order by ${approvalPolicies.version} desc limit 1)`;
    const due = await tx
      .select()
      .from(promotions)
      .where(
        and(
          eq(promotions.status, 'pending'),
          sql`${promotions.createdAt} < now() - make_interval(hours => ${expiryHours})`,
        ),
      )
      .orderBy(promotions.createdAt)
      .limit(batchSize)
      .for('update', { skipLocked: true });
    if (due.length === 0) return 0;
    const targets = await tx
      .select({ id: environments.id, name: environments.name })
      .from(environments)
      .where(inArray(environments.id, [...new Set(due.map((promotion) => promotion.targetEnvironmentId))]));
    for (const promotion of due) {
      const target = targets.find((environment) => environment.id === promotion.targetEnvironmentId)!;
      await transition(tx, systemActor, promotion, target, {
        to: 'expired',
        reason: `Not decided within the time ${target.name} allows for a request.`,
      });
    }
    return due.length;
  });
}
