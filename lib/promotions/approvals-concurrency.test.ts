import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';

import { getDb } from '@/db';
import { apis, promotionApprovals, promotions, roleBindings, users } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import {
  actorFor,
  auditEventsSince,
  createTestApi,
  environmentId,
  isPostgres,
  lastAuditSeq,
  setApprovalPolicy,
} from '@/test/fixtures';

import { approvePromotion } from './approve-promotion';
import { rejectPromotion } from './reject-promotion';
import { requestPromotion } from './request-promotion';

/**
 * Racing approvals on PostgreSQL, where they really run at once (PGlite has one connection): the
 * promotion's row lock queues the decisions, and each one sees what the previous one left.
 */

const db = () => getDb();

let batch = 0;

/** Approvers in QA, made for one test. */
async function approvers(count: number): Promise<Actor[]> {
  batch++;
  const qa = await environmentId('qa');
  const made: Actor[] = [];
  for (let index = 0; index < count; index++) {
    const email = `racer-${batch}-${index}@example.com`;
    const [user] = await db()
      .insert(users)
      .values({ email, name: `Racer ${index}`, passwordHash: 'x' })
      .returning();
    await db()
      .insert(roleBindings)
      .values({ userId: user!.id, scope: 'environment', environmentId: qa, role: 'APPROVER' });
    made.push(await actorFor(email));
  }
  return made;
}

afterAll(async () => {
  await setApprovalPolicy('qa', { approvalsRequired: 1 });
});

describe.runIf(isPostgres())('concurrent decisions', () => {
  it('N=2 and ten approvers at once: applied exactly once, exactly two approvals, everyone else told why', async () => {
    await setApprovalPolicy('qa', { approvalsRequired: 2 });
    const racers = await approvers(10);
    const api = await createTestApi();
    const { id } = await requestPromotion(await actorFor('alice@example.com'), {
      apiId: api.id,
      target: 'qa',
    });
    const since = await lastAuditSeq();

    const outcomes = await Promise.allSettled(racers.map((racer) => approvePromotion(racer, id)));

    const fulfilled = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(fulfilled.map((outcome) => outcome.status).sort()).toEqual(['accepted', 'pending']);
    expect(refused).toHaveLength(8);
    for (const error of refused) {
      expect(error).toMatchObject({
        code: 'conflict',
        message: expect.stringMatching(/^This promotion was already accepted by Racer \d\.$/),
      });
    }
    const [row] = await db().select().from(promotions).where(eq(promotions.id, id));
    expect(row!.status).toBe('accepted');
    const approvals = await db()
      .select()
      .from(promotionApprovals)
      .where(eq(promotionApprovals.promotionId, id));
    expect(approvals).toHaveLength(2);
    expect(approvals.map((approval) => approval.userId)).toContain(row!.decidedBy);
    const created = await db().select().from(apis).where(eq(apis.crossId, api.crossId));
    expect(created).toHaveLength(2); // DEV and, once, QA
    const events = await auditEventsSince(since);
    expect(events.filter((event) => event.action === 'promotion.approved')).toHaveLength(2);
    expect(events.filter((event) => event.action === 'api.created')).toHaveLength(1);
    expect(events.filter((event) => event.action === 'promotion.accepted')).toHaveLength(1);
  });

  it('N=1 and ten approve or reject calls at once: exactly one decision', async () => {
    await setApprovalPolicy('qa', { approvalsRequired: 1, reasonRequiredOnReject: false });
    const racers = await approvers(10);
    const api = await createTestApi();
    const { id } = await requestPromotion(await actorFor('alice@example.com'), {
      apiId: api.id,
      target: 'qa',
    });

    const outcomes = await Promise.allSettled(
      racers.map((racer, index) => (index % 2 ? approvePromotion(racer, id) : rejectPromotion(racer, id))),
    );

    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') {
        expect(outcome.reason).toMatchObject({
          code: 'conflict',
          message: expect.stringMatching(/^This promotion was already (accepted|rejected) by Racer \d\.$/),
        });
      }
    }
    const [row] = await db().select().from(promotions).where(eq(promotions.id, id));
    expect(['accepted', 'rejected']).toContain(row!.status);
    const approvals = await db()
      .select()
      .from(promotionApprovals)
      .where(eq(promotionApprovals.promotionId, id));
    expect(approvals).toHaveLength(row!.status === 'accepted' ? 1 : 0);
  });
});
