import { and, eq, inArray, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';

import { getDb } from '@/db';
import { apiGroups, apiRevisions, apis, notifications, promotions, roleBindings } from '@/db/schema';
import {
  actorFor,
  apiNamed,
  auditEventsSince,
  createTestApi,
  environmentId,
  isPostgres,
  lastAuditSeq,
  setApprovalPolicy,
  setEnvironmentRole,
} from '@/test/fixtures';

import { getApi } from '@/lib/apis/queries';
import { updateApiDefinition } from '@/lib/apis/update-api-definition';

import { approvePromotion } from './approve-promotion';
import { cancelPromotion } from './cancel-promotion';
import { countTasks, getPromotion, listPromotionTargets, listTasks } from './queries';
import { rejectPromotion } from './reject-promotion';
import { requestPromotion } from './request-promotion';

const db = () => getDb();

async function promotionRow(id: string) {
  const [row] = await db().select().from(promotions).where(eq(promotions.id, id));
  return row!;
}

async function apisWithCrossId(crossId: string, environmentKey: string) {
  return db()
    .select()
    .from(apis)
    .where(and(eq(apis.crossId, crossId), eq(apis.environmentId, await environmentId(environmentKey))));
}

describe('requestPromotion', () => {
  it('inserts a pending promotion with the revision’s snapshot, without members or groups, and audits it', async () => {
    const api = await createTestApi();
    const alice = await actorFor('alice@example.com');
    const since = await lastAuditSeq();

    const requested = await requestPromotion(alice, {
      apiId: api.id,
      target: 'qa',
      title: 'Ship it',
      message: 'Ready for QA',
    });

    expect(requested).toMatchObject({ targetEnvironmentKey: 'qa', action: 'create' });
    const row = await promotionRow(requested.id);
    expect(row).toMatchObject({
      status: 'pending',
      apiId: api.id,
      crossId: api.crossId,
      sourceEnvironmentId: api.environmentId,
      targetEnvironmentId: await environmentId('qa'),
      sourceRevision: 1,
      requestedBy: alice.userId,
      title: 'Ship it',
      message: 'Ready for QA',
      decidedAt: null,
    });
    expect(row.snapshot).toEqual(api.definition);
    expect(Object.keys(row.snapshot)).not.toEqual(expect.arrayContaining(['members']));
    expect(JSON.stringify(row.snapshot)).not.toContain(api.id);

    const events = await auditEventsSince(since);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'promotion.requested',
      outcome: 'success',
      actorId: alice.userId,
      targetType: 'promotion',
      targetId: requested.id,
      environmentIds: [api.environmentId, await environmentId('qa')],
    });
  });

  it('promotes an older revision when asked', async () => {
    const alice = await actorFor('alice@example.com');
    const payments = await apiNamed('dev', 'Payments');
    const requested = await requestPromotion(alice, { apiId: payments.id, target: 'demo', revision: 1 });
    const [revision1] = await db()
      .select()
      .from(apiRevisions)
      .where(and(eq(apiRevisions.apiId, payments.id), eq(apiRevisions.revision, 1)));
    const row = await promotionRow(requested.id);
    expect(row.sourceRevision).toBe(1);
    expect(row.snapshot).toEqual(revision1!.definition);
    await expect(
      requestPromotion(alice, { apiId: payments.id, target: 'prod', revision: 99 }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('refuses a user without DEFINITION:UPDATE, recording the refusal, and hides APIs out of reach', async () => {
    const dave = await actorFor('dave@example.com');
    const qaPayments = await apiNamed('qa', 'Payments');
    const since = await lastAuditSeq();
    await expect(requestPromotion(dave, { apiId: qaPayments.id, target: 'demo' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    const events = await auditEventsSince(since);
    expect(events.map((event) => [event.action, event.outcome, event.actorId])).toEqual([
      ['promotion.requested', 'denied', dave.userId],
    ]);

    const bob = await actorFor('bob@example.com');
    const devApi = await createTestApi();
    await expect(requestPromotion(bob, { apiId: devApi.id, target: 'qa' })).rejects.toMatchObject({
      code: 'not_found',
    });
    const count = await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(promotions)
      .where(inArray(promotions.apiId, [qaPayments.id, devApi.id]));
    expect(count[0]!.n).toBe(0);
  });

  it('refuses a second pending request for the same API and target, naming the first', async () => {
    const api = await createTestApi();
    const alice = await actorFor('alice@example.com');
    const first = await requestPromotion(alice, { apiId: api.id, target: 'qa' });
    const since = await lastAuditSeq();
    const error = await requestPromotion(alice, { apiId: api.id, target: 'qa' }).catch((e) => e);
    expect(error).toMatchObject({
      code: 'conflict',
      message: 'A promotion of this API to QA is already pending.',
      details: { existingPromotionId: first.id },
    });
    expect(await auditEventsSince(since)).toEqual([]);
    // Another target is a separate request.
    await expect(requestPromotion(alice, { apiId: api.id, target: 'demo' })).resolves.toMatchObject({
      action: 'create',
    });
  });

  it('refuses deprecated APIs, unknown or same targets, and promotions that would change nothing', async () => {
    const api = await createTestApi();
    const alice = await actorFor('alice@example.com');
    const geo = await apiNamed('dev', 'Geo Lookup');
    await expect(requestPromotion(alice, { apiId: geo.id, target: 'qa' })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('deprecated'),
    });
    await expect(requestPromotion(alice, { apiId: api.id, target: 'nowhere' })).rejects.toMatchObject({
      code: 'validation',
      fieldErrors: { target: [expect.stringContaining('nowhere')] },
    });
    await expect(requestPromotion(alice, { apiId: api.id, target: 'dev' })).rejects.toMatchObject({
      code: 'validation',
    });
    // QA already holds revision 2 of Payments (told to those who may read it there).
    const payments = await apiNamed('dev', 'Payments');
    await expect(
      requestPromotion(await actorFor('admin@example.com'), {
        apiId: payments.id,
        target: 'qa',
        revision: 2,
      }),
    ).rejects.toMatchObject({
      code: 'no_changes',
      message: expect.stringContaining('No changes found between source and destination'),
    });
  });
});

describe('approvePromotion', () => {
  it('creates the API in the target: same cross id, new id, revision 1, no members or groups but a primary owner', async () => {
    const alice = await actorFor('alice@example.com');
    const bob = await actorFor('bob@example.com');
    const orders = await apiNamed('dev', 'Order Tracking');
    expect(await db().select().from(apiGroups).where(eq(apiGroups.apiId, orders.id))).not.toEqual([]);
    const { id } = await requestPromotion(alice, { apiId: orders.id, target: 'qa' });
    const since = await lastAuditSeq();

    const result = (await approvePromotion(bob, id, { comment: 'Looks good' })).result!;

    expect(result.action).toBe('created');
    const [created] = await apisWithCrossId(orders.crossId, 'qa');
    expect(created).toMatchObject({
      id: result.apiId,
      currentRevision: 1,
      updatedBy: bob.userId,
      lifecycleState: 'created',
    });
    expect(created!.id).not.toBe(orders.id);
    expect(created!.definition).toEqual(orders.definition);
    expect(await db().select().from(apiGroups).where(eq(apiGroups.apiId, created!.id))).toEqual([]);
    // Alice holds no role in QA, so the acceptor becomes the primary owner; nobody else is a member.
    const members = await db().select().from(roleBindings).where(eq(roleBindings.apiId, created!.id));
    expect(members.map((member) => [member.userId, member.role])).toEqual([[bob.userId, 'PRIMARY_OWNER']]);

    expect(await promotionRow(id)).toMatchObject({
      status: 'accepted',
      decidedBy: bob.userId,
      reason: 'Looks good',
      targetApiId: created!.id,
      result: { apiId: created!.id, revision: 1, action: 'created' },
    });
    const events = await auditEventsSince(since);
    expect(events.map((event) => [event.action, event.outcome, event.targetId])).toEqual([
      ['promotion.approved', 'success', id],
      ['api.created', 'success', created!.id],
      ['promotion.accepted', 'success', id],
    ]);
    const notices = await db().select().from(notifications).where(eq(notifications.promotionId, id));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ userId: alice.userId, kind: 'promotion.accepted', readAt: null });
  });

  it('keeps the original owner as primary owner when they hold a role in the target', async () => {
    await setEnvironmentRole('alice@example.com', 'demo', 'USER');
    const api = await createTestApi();
    const alice = await actorFor('alice@example.com');
    const carol = await actorFor('carol@example.com');
    const { id } = await requestPromotion(alice, { apiId: api.id, target: 'demo' });
    const result = (await approvePromotion(carol, id)).result!;
    const members = await db().select().from(roleBindings).where(eq(roleBindings.apiId, result.apiId));
    expect(members.map((member) => [member.userId, member.role])).toEqual([[alice.userId, 'PRIMARY_OWNER']]);
  });

  it('updates the existing API in the target: same id, members and groups, a new revision', async () => {
    const alice = await actorFor('alice@example.com');
    const bob = await actorFor('bob@example.com');
    // QA holds DEV's current Customer Accounts: alice makes a new revision to promote.
    const current = await apiNamed('dev', 'Customer Accounts');
    await updateApiDefinition(alice, {
      apiId: current.id,
      baseRevision: current.currentRevision,
      definition: { ...current.definition, version: '1.6.0' },
    });
    const source = await apiNamed('dev', 'Customer Accounts');
    const [before] = await apisWithCrossId(source.crossId, 'qa');
    const membersBefore = await db().select().from(roleBindings).where(eq(roleBindings.apiId, before!.id));
    const { id } = await requestPromotion(alice, { apiId: source.id, target: 'qa' });
    expect((await getPromotion(bob, id)).action).toBe('update');
    const since = await lastAuditSeq();

    const result = (await approvePromotion(bob, id)).result!;

    expect(result).toEqual({ apiId: before!.id, revision: before!.currentRevision + 1, action: 'updated' });
    const [after] = await apisWithCrossId(source.crossId, 'qa');
    expect(after!.definition).toEqual(source.definition);
    expect(await db().select().from(roleBindings).where(eq(roleBindings.apiId, before!.id))).toEqual(
      membersBefore,
    );
    const events = await auditEventsSince(since);
    expect(events.map((event) => [event.action, event.targetId])).toEqual([
      ['promotion.approved', id],
      ['api.updated', before!.id],
      ['promotion.accepted', id],
    ]);
    expect(events[1]!.changes).toMatchObject({ before: { revision: 1 }, after: { revision: 2 } });
  });

  it('needs API:CREATE to accept a creating promotion and API:UPDATE for an updating one', async () => {
    await setEnvironmentRole('dave@example.com', 'qa', 'MAINTAINER');
    const dave = await actorFor('dave@example.com');
    const fresh = await createTestApi();
    const alice = await actorFor('alice@example.com');
    const creating = await requestPromotion(alice, { apiId: fresh.id, target: 'qa' });
    const payments = await apiNamed('dev', 'Payments');
    const updating = await requestPromotion(alice, { apiId: payments.id, target: 'qa' });

    // The inbox shows a maintainer only what they may decide.
    const inbox = await listTasks(dave, { environmentKey: 'qa' });
    expect(inbox.items.map((task) => task.id)).toContain(updating.id);
    expect(inbox.items.map((task) => task.id)).not.toContain(creating.id);

    const since = await lastAuditSeq();
    await expect(approvePromotion(dave, creating.id)).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('API:CREATE'),
    });
    await expect(rejectPromotion(dave, creating.id)).rejects.toMatchObject({ code: 'forbidden' });
    expect((await promotionRow(creating.id)).status).toBe('pending');
    expect(await apisWithCrossId(fresh.crossId, 'qa')).toEqual([]);
    const denied = await auditEventsSince(since);
    expect(denied.map((event) => [event.action, event.outcome, event.targetId])).toEqual([
      ['promotion.approved', 'denied', creating.id],
      ['promotion.rejected', 'denied', creating.id],
    ]);

    await expect(approvePromotion(dave, updating.id)).resolves.toMatchObject({
      result: { action: 'updated' },
    });
  });

  it('refuses those without the target permission: denied when they can see it, not found otherwise', async () => {
    const api = await createTestApi();
    const alice = await actorFor('alice@example.com');
    const { id } = await requestPromotion(alice, { apiId: api.id, target: 'qa' });
    // Carol sees neither the source API nor QA.
    await expect(approvePromotion(await actorFor('carol@example.com'), id)).rejects.toMatchObject({
      code: 'not_found',
    });
    // Erin sees DEV's Payments through her group, so she sees its promotions, but may not decide in QA.
    const payments = await apiNamed('dev', 'Payments');
    const { id: paymentsPromotion } = await requestPromotion(alice, { apiId: payments.id, target: 'prod' });
    const erin = await actorFor('erin@example.com');
    expect((await getPromotion(erin, paymentsPromotion)).canApprove).toBe(false);
    await expect(approvePromotion(erin, paymentsPromotion)).rejects.toMatchObject({ code: 'forbidden' });
    expect((await promotionRow(id)).status).toBe('pending');
    expect((await promotionRow(paymentsPromotion)).status).toBe('pending');
  });

  it('refuses the requester unless the target allows self-approval', async () => {
    const admin = await actorFor('admin@example.com');
    const api = await createTestApi({ owner: 'admin@example.com' });
    const { id } = await requestPromotion(admin, { apiId: api.id, target: 'qa' });
    const detail = await getPromotion(admin, id);
    expect(detail.canApprove).toBe(false);
    expect(detail.whyCannotApprove).toContain('does not allow approving your own requests');
    await expect(approvePromotion(admin, id)).rejects.toMatchObject({ code: 'forbidden' });
    expect((await promotionRow(id)).status).toBe('pending');

    await setApprovalPolicy('qa', { approvalsRequired: 1, selfApprovalAllowed: true });
    try {
      await expect(approvePromotion(admin, id)).resolves.toMatchObject({ result: { action: 'created' } });
    } finally {
      await setApprovalPolicy('qa', { approvalsRequired: 1 });
    }
  });

  it('refuses a context path another API of the target uses, at the request and at the approval', async () => {
    const api = await createTestApi();
    const alice = await actorFor('alice@example.com');
    const bob = await actorFor('bob@example.com');
    const { id } = await requestPromotion(alice, { apiId: api.id, target: 'qa' });
    // Between the request and the approval, another API takes the context path in QA.
    await createTestApi({
      environment: 'qa',
      owner: 'bob@example.com',
      contextPath: api.definition.contextPath,
      name: 'Squatter',
    });
    const since = await lastAuditSeq();
    await expect(approvePromotion(bob, id)).rejects.toMatchObject({
      code: 'unprocessable',
      message: expect.stringContaining(`${api.definition.contextPath} is already used by Squatter`),
      details: { entry_gate: 'fail' },
    });
    expect((await promotionRow(id)).status).toBe('pending');
    expect(await apisWithCrossId(api.crossId, 'qa')).toEqual([]);
    expect((await auditEventsSince(since)).map((event) => [event.action, event.outcome])).toEqual([
      ['promotion.approved', 'denied'],
    ]);
    // A new request meets the same rule at once; alice may not read QA, so the API is not named.
    await cancelPromotion(alice, id);
    await expect(requestPromotion(alice, { apiId: api.id, target: 'qa' })).rejects.toMatchObject({
      code: 'unprocessable',
      message: expect.stringContaining('is already used by another API in the target'),
    });
  });

  it('refuses to decide a decided promotion, saying who decided first', async () => {
    const api = await createTestApi();
    const alice = await actorFor('alice@example.com');
    const bob = await actorFor('bob@example.com');
    const admin = await actorFor('admin@example.com');
    const { id } = await requestPromotion(alice, { apiId: api.id, target: 'qa' });
    await rejectPromotion(bob, id, { reason: 'Not yet' });
    const since = await lastAuditSeq();
    await expect(approvePromotion(admin, id)).rejects.toMatchObject({
      code: 'conflict',
      message: 'This promotion was already rejected by Bob Approver.',
    });
    await expect(rejectPromotion(admin, id)).rejects.toMatchObject({ code: 'conflict' });
    expect(await auditEventsSince(since)).toEqual([]);
    expect(await promotionRow(id)).toMatchObject({
      status: 'rejected',
      decidedBy: bob.userId,
      reason: 'Not yet',
    });
  });
});

describe('rejectPromotion and cancelPromotion', () => {
  it('rejects with a reason, notifies the requester, and lets the source request again', async () => {
    const api = await createTestApi();
    const alice = await actorFor('alice@example.com');
    const bob = await actorFor('bob@example.com');
    const { id } = await requestPromotion(alice, { apiId: api.id, target: 'qa' });
    const since = await lastAuditSeq();
    await rejectPromotion(bob, id, { reason: 'Missing rate limit' });
    expect(await promotionRow(id)).toMatchObject({
      status: 'rejected',
      decidedBy: bob.userId,
      reason: 'Missing rate limit',
    });
    const events = await auditEventsSince(since);
    expect(events.map((event) => [event.action, event.reason])).toEqual([
      ['promotion.rejected', 'Missing rate limit'],
    ]);
    const [notice] = await db().select().from(notifications).where(eq(notifications.promotionId, id));
    expect(notice).toMatchObject({
      userId: alice.userId,
      kind: 'promotion.rejected',
      body: 'Missing rate limit',
    });
    expect(await apisWithCrossId(api.crossId, 'qa')).toEqual([]);
    await expect(requestPromotion(alice, { apiId: api.id, target: 'qa' })).resolves.toBeDefined();
  });

  it('lets only the requester cancel', async () => {
    const api = await createTestApi();
    const alice = await actorFor('alice@example.com');
    const bob = await actorFor('bob@example.com');
    const { id } = await requestPromotion(alice, { apiId: api.id, target: 'qa' });
    const since = await lastAuditSeq();
    await expect(cancelPromotion(bob, id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(cancelPromotion(await actorFor('carol@example.com'), id)).rejects.toMatchObject({
      code: 'not_found',
    });
    expect((await promotionRow(id)).status).toBe('pending');
    await cancelPromotion(alice, id);
    expect(await promotionRow(id)).toMatchObject({ status: 'cancelled', decidedBy: alice.userId });
    const events = await auditEventsSince(since);
    expect(events.map((event) => [event.action, event.outcome, event.actorId])).toEqual([
      ['promotion.cancelled', 'denied', bob.userId],
      ['promotion.cancelled', 'success', alice.userId],
    ]);
    await expect(cancelPromotion(alice, id)).rejects.toMatchObject({ code: 'conflict' });
    await expect(approvePromotion(bob, id)).rejects.toMatchObject({ code: 'conflict' });
  });
});

describe('tasks', () => {
  it('shows each user the pending promotions they may decide, newest first, with a count', async () => {
    const [one, two, three] = [await createTestApi(), await createTestApi(), await createTestApi()];
    const alice = await actorFor('alice@example.com');
    const first = await requestPromotion(alice, { apiId: one.id, target: 'qa' });
    const second = await requestPromotion(alice, { apiId: two.id, target: 'qa' });
    const toProd = await requestPromotion(alice, { apiId: three.id, target: 'prod' });

    const bob = await actorFor('bob@example.com');
    const bobs = await listTasks(bob);
    const ids = bobs.items.map((task) => task.id);
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
    expect(ids).not.toContain(toProd.id);
    expect(bobs.items.every((task) => task.targetKey === 'qa' && task.status === 'pending')).toBe(true);
    expect(await countTasks(bob)).toBe(bobs.items.length);

    const carol = await actorFor('carol@example.com');
    expect((await listTasks(carol)).items.map((task) => task.id)).toContain(toProd.id);
    expect((await listTasks(carol, { environmentKey: 'demo' })).items.map((task) => task.id)).not.toContain(
      toProd.id,
    );
    await expect(listTasks(carol, { environmentKey: 'qa' })).rejects.toMatchObject({ code: 'not_found' });
    expect(await countTasks(alice)).toBe(0);

    // Keyset pages do not skip or repeat.
    const all = (await listTasks(bob, { limit: 100 })).items.map((task) => task.id);
    const pageOne = await listTasks(bob, { limit: 2 });
    const pageTwo = await listTasks(bob, { limit: 100, cursor: pageOne.nextCursor });
    expect([...pageOne.items, ...pageTwo.items].map((task) => task.id)).toEqual(all);
  });
});

describe.runIf(isPostgres())('concurrency on PostgreSQL', () => {
  it('of 50 simultaneous identical requests, exactly one is pending and 49 are refused clearly', async () => {
    const api = await createTestApi();
    const alice = await actorFor('alice@example.com');
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => requestPromotion(alice, { apiId: api.id, target: 'qa' })),
    );
    const accepted = results.filter((result) => result.status === 'fulfilled');
    const refused = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(49);
    for (const refusal of refused) {
      expect(refusal.reason).toMatchObject({
        code: 'conflict',
        message: 'A promotion of this API to QA is already pending.',
      });
    }
    const rows = await db().select().from(promotions).where(eq(promotions.apiId, api.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('pending');
  });

  it('of 10 simultaneous accept and reject calls, exactly one decides, with one set of audit events', async () => {
    const api = await createTestApi();
    const alice = await actorFor('alice@example.com');
    const bob = await actorFor('bob@example.com');
    const admin = await actorFor('admin@example.com');
    const { id } = await requestPromotion(alice, { apiId: api.id, target: 'qa' });
    const since = await lastAuditSeq();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, index) => {
        const decider = index % 2 ? bob : admin;
        return index % 3
          ? approvePromotion(decider, id)
          : rejectPromotion(decider, id, { reason: `race ${index}` });
      }),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
      expect(result.reason).toMatchObject({
        code: 'conflict',
        message: expect.stringMatching(/^This promotion was already (accepted|rejected) by /),
      });
    }
    const row = await promotionRow(id);
    const events = await auditEventsSince(since);
    if (row.status === 'accepted') {
      expect(events.map((event) => event.action)).toEqual([
        'promotion.approved',
        'api.created',
        'promotion.accepted',
      ]);
      expect(await apisWithCrossId(api.crossId, 'qa')).toHaveLength(1);
    } else {
      expect(row.status).toBe('rejected');
      expect(events.map((event) => event.action)).toEqual(['promotion.rejected']);
      expect(await apisWithCrossId(api.crossId, 'qa')).toHaveLength(0);
    }
    expect(await db().select().from(notifications).where(eq(notifications.promotionId, id))).toHaveLength(1);
  });
});

describe('a target blocked by a request the actor cannot open', () => {
  it('says who asked and when, without the id of a promotion they would get a 404 for', async () => {
    const alice = await actorFor('alice@example.com');
    const grace = await actorFor('grace@example.com');
    const fromDev = await apiNamed('dev', 'Customer Accounts');
    const request = await requestPromotion(alice, { apiId: fromDev.id, target: 'qa' });

    const demoAccounts = await getApi(grace, 'demo', (await apiNamed('demo', 'Customer Accounts')).id);
    const qa = (await listPromotionTargets(grace, demoAccounts)).find((target) => target.key === 'qa')!;
    expect(qa).toMatchObject({
      isPending: true,
      pendingPromotionId: null,
      pendingRequest: { requestedByName: 'Alice Publisher' },
    });
    expect(qa.pendingRequest!.requestedAt).toBeInstanceOf(Date);
    // Alice opened it: she gets the link.
    const mine = (await listPromotionTargets(alice, await getApi(alice, 'dev', fromDev.id))).find(
      (target) => target.key === 'qa',
    )!;
    expect(mine.pendingPromotionId).toBe(request.id);
    await cancelPromotion(alice, request.id);
  });
});
