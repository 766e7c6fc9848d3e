import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { getDb } from '@/db';
import { notifications, promotions } from '@/db/schema';
import { getQueue, queues, stopQueue } from '@/lib/jobs/queue';
import {
  actorFor,
  auditEventsSince,
  createTestApi,
  lastAuditSeq,
  refuseApiCreation,
  setApprovalPolicy,
} from '@/test/fixtures';

import { approvePromotion } from './approve-promotion';
import { requestPromotion } from './request-promotion';
import { startPromotionWorkers } from './workers';

/**
 * The promotion workers as pg-boss runs them: nothing here calls a job's function directly.
 */

const db = () => getDb();

async function statusOf(id: string) {
  const [row] = await db().select().from(promotions).where(eq(promotions.id, id));
  return row!;
}

async function waitFor(id: string, wanted: string, seconds = 60) {
  for (let waited = 0; waited < seconds * 5; waited++) {
    const row = await statusOf(id);
    if (row.status === wanted) return row;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`promotion ${id} is ${(await statusOf(id)).status}, never ${wanted}`);
}

beforeAll(async () => {
  await startPromotionWorkers();
});

afterAll(async () => {
  await stopQueue();
});

describe('promotion workers', () => {
  it('an apply that fails every time is retried, dead-lettered, and its promotion ends failed', async () => {
    const api = await createTestApi();
    const lift = await refuseApiCreation(api.crossId);
    try {
      const alice = await actorFor('alice@example.com');
      const { id } = await requestPromotion(alice, { apiId: api.id, target: 'qa' });
      const since = await lastAuditSeq();
      // Retries are counted per job: this one gets one retry, one second apart.
      await approvePromotion(await actorFor('bob@example.com'), id, {}, { async: true });
      await db().execute(
        sql`update pgboss.job set retry_limit = 1, retry_delay = 1, retry_backoff = false
            where name = ${queues.applyPromotion} and data->>'promotionId' = ${id}`,
      );
      const failed = await waitFor(id, 'failed');
      expect(failed.reason).toContain('kept failing');
      const events = await auditEventsSince(since);
      expect(events.map((event) => [event.action, event.outcome, event.actorType])).toEqual([
        ['promotion.approved', 'success', 'user'],
        ['promotion.accepted', 'success', 'user'],
        ['promotion.failed', 'error', 'system'],
      ]);
      const notices = await db().select().from(notifications).where(eq(notifications.promotionId, id));
      expect(notices.map((notice) => [notice.userId, notice.kind])).toEqual([
        [alice.userId, 'promotion.failed'],
      ]);
      const [attempts] = (await db()
        .execute(
          sql`select count(*)::int as count from pgboss.job
          where name = ${queues.applyPromotion} and data->>'promotionId' = ${id} and state = 'failed'`,
        )
        .then((result) => (result as unknown as { rows?: unknown[] }).rows ?? result)) as { count: number }[];
      expect(attempts!.count).toBe(1);
    } finally {
      await lift();
    }
  }, 90_000);

  it('expiry runs on a schedule, and a run expires what is due', async () => {
    const boss = await getQueue();
    expect(await boss.getSchedules(queues.expirePromotions)).toEqual([
      expect.objectContaining({ name: queues.expirePromotions, cron: '* * * * *' }),
    ]);
    await setApprovalPolicy('qa', { approvalsRequired: 1, expiryHours: 1 });
    const api = await createTestApi();
    const { id } = await requestPromotion(await actorFor('alice@example.com'), {
      apiId: api.id,
      target: 'qa',
    });
    await db().transaction(async (tx) => {
      await tx.execute(sql`alter table promotions disable trigger user`);
      await tx.execute(sql`update promotions set created_at = now() - interval '2 hours' where id = ${id}`);
      await tx.execute(sql`alter table promotions enable trigger user`);
    });
    // What the schedule does every minute, without waiting for the minute.
    await boss.send(queues.expirePromotions, {});
    expect(await waitFor(id, 'expired')).toMatchObject({ status: 'expired' });
    await setApprovalPolicy('qa', { approvalsRequired: 1 });
  }, 90_000);
});
