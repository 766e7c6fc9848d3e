import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';

import * as acceptRoute from '@/app/api/v1/promotions/[id]/accept/route';
import * as promotionRoute from '@/app/api/v1/promotions/[id]/route';
import { closeDb, getDb } from '@/db';
import { notifications, promotions } from '@/db/schema';
import { stopQueue } from '@/lib/jobs/queue';
import { applyQueuedPromotion, failExhaustedPromotion } from '@/lib/promotions/apply-queued-promotion';
import { startPromotionWorkers } from '@/lib/promotions/workers';
import { getQueue, queues } from '@/lib/jobs/queue';
import {
  auditEventsSince,
  createTestApi,
  isPostgres,
  lastAuditSeq,
  setApprovalPolicy,
} from '@/test/fixtures';

import { call, promote, expectConforms, tokenFor } from './harness';

let alice = '';
let bob = '';
let admin = '';
beforeAll(async () => {
  alice = await tokenFor('alice@example.com');
  bob = await tokenFor('bob@example.com');
  admin = await tokenFor('admin@example.com');
});

async function status(id: string) {
  const [row] = await getDb().select().from(promotions).where(eq(promotions.id, id));
  return row!;
}

async function queuedJobs(id: string): Promise<number> {
  const result = (await getDb().execute(
    sql`select count(*)::int as count from pgboss.job where data->>'promotionId' = ${id} and state in ('created', 'retry')`,
  )) as unknown as { rows?: { count: number }[] } & { count?: number }[];
  return (result.rows ?? result)[0]!.count!;
}

async function waitFor(id: string, wanted: string[]): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const current = (await status(id)).status;
    if (wanted.includes(current)) return current;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`promotion ${id} never reached ${wanted.join('/')}`);
}

const acceptAsync = (id: string, token: string) =>
  call(acceptRoute.POST, {
    method: 'POST',
    path: `/promotions/${id}/accept?async=true`,
    params: { id },
    token,
    body: {},
  });

describe('async promotions (JFrog async; a pg-boss job enqueued in the deciding transaction)', () => {
  it('a direct promotion with ?async=true answers 202, is applying, then accepted by the worker', async () => {
    await setApprovalPolicy('qa', { approvalsRequired: 1, selfApprovalAllowed: true });
    const api = await createTestApi({ owner: 'admin@example.com' });
    const response = await promote(admin, api.id, { target: 'qa', mode: 'direct' }, '?async=true');
    expectConforms('/apis/{id}/promotions', 'post', response);
    expect(response.status).toBe(202);
    const id = (response.body as { id: string }).id;
    expect(response.headers.get('location')).toBe(`/api/v1/promotions/${id}`);
    expect(response.body).toMatchObject({ status: 'applying', decidedAt: null });
    expect(await queuedJobs(id)).toBe(1);

    await startPromotionWorkers();
    expect(await waitFor(id, ['accepted', 'failed'])).toBe('accepted');
    const after = await call(promotionRoute.GET, { path: `/promotions/${id}`, params: { id }, token: admin });
    expectConforms('/promotions/{id}', 'get', after);
    expect(after.body).toMatchObject({ status: 'accepted', result: { action: 'created', revision: 1 } });
  });

  it('an async accept records the decision at once and the apply by the job; a second run is a no-op', async () => {
    const api = await createTestApi();
    const created = await promote(alice, api.id, { target: 'qa' });
    const id = (created.body as { id: string }).id;
    const since = await lastAuditSeq();
    const accepted = await acceptAsync(id, bob);
    expectConforms('/promotions/{id}/accept', 'post', accepted);
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ status: 'applying', decidedBy: { name: 'Bob Approver' } });
    // Racing decisions still find it decided.
    expect((await acceptAsync(id, bob)).status).toBe(409);

    expect(await applyQueuedPromotion(id)).toBe('accepted');
    expect(await applyQueuedPromotion(id)).toBe('skipped');
    const events = await auditEventsSince(since);
    expect(events.map((event) => [event.action, event.authMethod])).toEqual([
      ['promotion.approved', 'token'],
      ['promotion.accepted', 'token'],
      ['api.created', 'job'],
      ['promotion.applied', 'job'],
    ]);
    // The requester hears of it once, when it is applied (the notice's kind is the event that carried it).
    const notices = await getDb().select().from(notifications).where(eq(notifications.promotionId, id));
    expect(notices).toEqual([
      expect.objectContaining({
        kind: 'promotion.applied',
        title: expect.stringMatching(/^Bob Approver accepted/),
      }),
    ]);
  });

  it('an apply that is refused when it runs leaves the promotion failed, with the reason, audited and notified', async () => {
    const api = await createTestApi();
    const created = await promote(alice, api.id, { target: 'qa' });
    const id = (created.body as { id: string }).id;
    expect((await acceptAsync(id, bob)).status).toBe(202);
    // Between the decision and the job, another API takes the context path in QA.
    await createTestApi({
      environment: 'qa',
      owner: 'bob@example.com',
      contextPath: api.definition.contextPath,
      name: 'Squatter',
    });
    const since = await lastAuditSeq();
    expect(await applyQueuedPromotion(id)).toBe('failed');
    expect(await status(id)).toMatchObject({
      status: 'failed',
      // The reason is read by the requester too: it names no API of the target.
      reason: expect.stringContaining('already used by another API in QA'),
    });
    expect((await auditEventsSince(since)).map((event) => [event.action, event.outcome])).toEqual([
      ['promotion.failed', 'error'],
    ]);
    const notices = await getDb().select().from(notifications).where(eq(notifications.promotionId, id));
    expect(notices.map((notice) => notice.kind)).toEqual(['promotion.failed']);
  });

  it('a job whose retries run out lands on the dead-letter queue, and its promotion fails instead of hanging', async () => {
    const boss = await getQueue();
    const queue = await boss.getQueue(queues.applyPromotion);
    expect(queue).toMatchObject({ deadLetter: queues.applyPromotionFailed, retryLimit: 5 });

    const api = await createTestApi();
    const created = await promote(alice, api.id, { target: 'qa' });
    const id = (created.body as { id: string }).id;
    expect((await acceptAsync(id, bob)).status).toBe(202);
    const since = await lastAuditSeq();
    await failExhaustedPromotion(id);
    expect(await status(id)).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('kept failing'),
    });
    expect((await auditEventsSince(since)).map((event) => event.action)).toEqual(['promotion.failed']);
    // Once failed, a late job changes nothing.
    expect(await applyQueuedPromotion(id)).toBe('skipped');
    await failExhaustedPromotion(id);
    expect(await auditEventsSince(since)).toHaveLength(1);
  });

  it.runIf(isPostgres())('a job queued before a restart completes after it', async () => {
    const api = await createTestApi();
    const created = await promote(alice, api.id, { target: 'qa' });
    const id = (created.body as { id: string }).id;
    // No worker runs in this process until after the "restart".
    await stopQueue();
    expect((await acceptAsync(id, bob)).status).toBe(202);
    expect(await queuedJobs(id)).toBe(1);

    // The server stops: queue and database connections close; nothing is in memory any more.
    await stopQueue();
    await closeDb();
    // It starts again, and its worker finds the job where it was left.
    await startPromotionWorkers();
    expect(await waitFor(id, ['accepted', 'failed'])).toBe('accepted');
    expect(await queuedJobs(id)).toBe(0);
  });
});
