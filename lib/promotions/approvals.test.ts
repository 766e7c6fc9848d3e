import { and, eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';

import { getDb } from '@/db';
import { apis, notifications, promotionApprovals, promotions } from '@/db/schema';
import { updateApiDefinition } from '@/lib/apis/update-api-definition';
import { updateApprovalPolicy } from '@/lib/environments/update-approval-policy';
import {
  actorFor,
  auditEventsSince,
  createTestApi,
  createTestGroup,
  environmentId,
  lastAuditSeq,
  setApprovalPolicy,
  setEnvironmentRole,
} from '@/test/fixtures';

import { approvePromotion } from './approve-promotion';
import { evaluatePolicy, loadPolicy, type Approval } from './approval-policy';
import { expirePromotions } from './expire-promotions';
import { getPromotion, listTasks, countTasks } from './queries';
import { rejectPromotion } from './reject-promotion';
import { requestPromotion } from './request-promotion';
import { updatePromotionRequest } from './update-promotion-request';

const db = () => getDb();

async function promotionRow(id: string) {
  const [row] = await db().select().from(promotions).where(eq(promotions.id, id));
  return row!;
}

async function approvalsOf(id: string) {
  return db().select().from(promotionApprovals).where(eq(promotionApprovals.promotionId, id));
}

/** A pending request from alice of a fresh DEV API into QA. */
async function requestIntoQa(options: { title?: string } = {}) {
  const api = await createTestApi();
  const alice = await actorFor('alice@example.com');
  const { id } = await requestPromotion(alice, { apiId: api.id, target: 'qa', ...options });
  return { api, id, alice };
}

/** Moves a promotion's request time back (the guard trigger keeps it fixed otherwise). */
async function backdate(id: string, hours: number) {
  await db().transaction(async (tx) => {
    await tx.execute(sql`alter table promotions disable trigger user`);
    await tx.execute(
      sql`update promotions set created_at = now() - make_interval(hours => ${hours}) where id = ${id}`,
    );
    await tx.execute(sql`alter table promotions enable trigger user`);
  });
}

afterEach(async () => {
  // Every test starts from QA's demo policy: one approval, no rules.
  await setApprovalPolicy('qa', { approvalsRequired: 1 });
  await setEnvironmentRole('bob@example.com', 'qa', 'APPROVER');
  await setEnvironmentRole('dave@example.com', 'qa', 'PUBLISHER');
});

describe('approvals required', () => {
  it('N=2 needs two distinct people; the first approval is recorded, audited and notified', async () => {
    await setApprovalPolicy('qa', { approvalsRequired: 2 });
    const policy = await loadPolicy(db(), await environmentId('qa'));
    const { api, id, alice } = await requestIntoQa();
    const bob = await actorFor('bob@example.com');
    const admin = await actorFor('admin@example.com');
    const since = await lastAuditSeq();

    const first = await approvePromotion(bob, id, { comment: 'Fine by me' });
    expect(first).toMatchObject({
      status: 'pending',
      result: null,
      progress: { count: 1, required: 2, met: false },
    });
    expect((await promotionRow(id)).status).toBe('pending');
    await expect(approvePromotion(bob, id)).rejects.toMatchObject({
      code: 'conflict',
      message: 'You have already approved this promotion.',
    });
    expect(await approvalsOf(id)).toHaveLength(1);
    const waiting = await db().select().from(notifications).where(eq(notifications.promotionId, id));
    expect(waiting).toEqual([
      expect.objectContaining({
        userId: alice.userId,
        kind: 'promotion.approved',
        title: expect.stringContaining('(1 of 2 approvals)'),
        body: 'Fine by me',
      }),
    ]);

    const second = await approvePromotion(admin, id);
    expect(second).toMatchObject({
      status: 'accepted',
      result: { action: 'created' },
      progress: { count: 2, met: true },
    });
    expect(await promotionRow(id)).toMatchObject({ status: 'accepted', decidedBy: admin.userId });
    const [created] = await db()
      .select()
      .from(apis)
      .where(and(eq(apis.crossId, api.crossId), eq(apis.environmentId, await environmentId('qa'))));
    expect(created).toBeDefined();

    const events = await auditEventsSince(since);
    expect(events.map((event) => [event.action, event.actorId])).toEqual([
      ['promotion.approved', bob.userId],
      ['promotion.approved', admin.userId],
      ['api.created', admin.userId],
      ['promotion.accepted', admin.userId],
    ]);
    expect(events[0]!.changes).toMatchObject({
      after: { policyVersion: policy.version, approvals: 1, approvalsRequired: 2 },
    });
    expect(events[3]!.changes).toMatchObject({
      after: { status: 'accepted', policyVersion: policy.version, approvedBy: ['Bob Approver', 'Ada Admin'] },
    });
  });

  it('any rejection rejects at once, whatever approvals came before', async () => {
    await setApprovalPolicy('qa', { approvalsRequired: 2 });
    const { id } = await requestIntoQa();
    await approvePromotion(await actorFor('bob@example.com'), id);
    await rejectPromotion(await actorFor('admin@example.com'), id, { reason: 'Not this week' });
    expect(await promotionRow(id)).toMatchObject({ status: 'rejected', reason: 'Not this week' });
    await expect(approvePromotion(await actorFor('admin@example.com'), id)).rejects.toMatchObject({
      code: 'conflict',
      message: 'This promotion was already rejected by Ada Admin.',
    });
  });

  it('a reason is required to reject unless the policy says otherwise', async () => {
    const { id } = await requestIntoQa();
    const bob = await actorFor('bob@example.com');
    await expect(rejectPromotion(bob, id)).rejects.toMatchObject({
      code: 'validation',
      fieldErrors: { reason: [expect.stringContaining('requires a reason')] },
    });
    expect((await promotionRow(id)).status).toBe('pending');
    await setApprovalPolicy('qa', { approvalsRequired: 1, reasonRequiredOnReject: false });
    await rejectPromotion(bob, id);
    expect((await promotionRow(id)).status).toBe('rejected');
  });

  it('a title is required to request where the policy says so', async () => {
    await setApprovalPolicy('qa', { approvalsRequired: 1, titleRequired: true });
    await expect(requestIntoQa()).rejects.toMatchObject({
      code: 'validation',
      fieldErrors: { title: [expect.any(String)] },
    });
    await expect(requestIntoQa({ title: 'Release 42' })).resolves.toMatchObject({ id: expect.any(String) });
  });
});

describe('who may approve', () => {
  it('authors of the promoted change may not approve where the policy excludes them', async () => {
    const api = await createTestApi();
    const alice = await actorFor('alice@example.com');
    const bob = await actorFor('bob@example.com');
    const admin = await actorFor('admin@example.com');
    // Revision 1 reaches QA; then Ada makes revision 2 and alice revision 3.
    const first = await requestPromotion(alice, { apiId: api.id, target: 'qa' });
    await approvePromotion(bob, first.id);
    for (const [actor, base, version] of [
      [admin, 1, '1.1.0'],
      [alice, 2, '1.2.0'],
    ] as const) {
      await updateApiDefinition(actor, {
        apiId: api.id,
        baseRevision: base,
        definition: { ...api.definition, version },
      });
    }
    await setApprovalPolicy('qa', { approvalsRequired: 1, authorsMayNotApprove: true });
    const { id } = await requestPromotion(alice, { apiId: api.id, target: 'qa' });
    // Authors: who made revisions 2 and 3 (revision 1 is already in QA).
    expect([...(await promotionRow(id)).authorIds].sort()).toEqual([admin.userId, alice.userId].sort());

    const detail = await getPromotion(admin, id);
    expect(detail.canApprove).toBe(false);
    expect(detail.whyCannotApprove).toContain('does not let authors approve their own changes');
    expect(detail.canReject).toBe(true);
    expect((await listTasks(admin, { environmentKey: 'qa' })).items.map((task) => task.id)).not.toContain(id);
    const since = await lastAuditSeq();
    await expect(approvePromotion(admin, id)).rejects.toMatchObject({ code: 'forbidden' });
    expect((await auditEventsSince(since)).map((event) => [event.action, event.outcome])).toEqual([
      ['promotion.approved', 'denied'],
    ]);
    expect(await approvalsOf(id)).toEqual([]);
    await expect(approvePromotion(bob, id)).resolves.toMatchObject({ status: 'accepted' });
  });

  it('the requester is refused, and their own requests are not in their inbox', async () => {
    const admin = await actorFor('admin@example.com');
    const api = await createTestApi({ owner: 'admin@example.com' });
    const { id } = await requestPromotion(admin, { apiId: api.id, target: 'qa' });
    expect((await listTasks(admin)).items.map((task) => task.id)).not.toContain(id);
    await expect(approvePromotion(admin, id)).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('does not allow approving your own requests'),
    });
    expect(await approvalsOf(id)).toEqual([]);
  });

  it('group rules combine with AND, on top of the number of approvers', async () => {
    const sre = await createTestGroup('qa', 'SRE', ['bob@example.com']);
    const security = await createTestGroup('qa', 'Security', ['admin@example.com']);
    await setEnvironmentRole('dave@example.com', 'qa', 'APPROVER');
    await setApprovalPolicy('qa', {
      approvalsRequired: 2,
      rules: [
        { kind: 'group', groupId: sre.id, count: 1 },
        { kind: 'group', groupId: security.id, count: 1 },
      ],
    });
    const { id } = await requestIntoQa();
    const bob = await actorFor('bob@example.com');
    const dave = await actorFor('dave@example.com');
    expect((await approvePromotion(bob, id)).progress).toMatchObject({
      count: 1,
      met: false,
      missingRules: ['1 from Security'],
    });
    // Two approvers, but no one from Security yet.
    expect((await approvePromotion(dave, id)).progress).toMatchObject({
      count: 2,
      met: false,
      missingRules: ['1 from Security'],
    });
    const [task] = (await listTasks(bob, { waiting: true })).items.filter((item) => item.id === id);
    expect(task!.progress.missingRules).toEqual(['1 from Security']);
    await expect(approvePromotion(await actorFor('admin@example.com'), id)).resolves.toMatchObject({
      status: 'accepted',
    });
  });

  it('one person counts toward one rule only when the policy says so', () => {
    const base = {
      environmentId: 'e',
      version: 1,
      approvalsRequired: 1,
      rules: [
        { kind: 'group' as const, groupId: 'sre', name: 'SRE', count: 1 },
        { kind: 'group' as const, groupId: 'sec', name: 'Security', count: 1 },
      ],
      approverMayFillSeveralRules: true,
      selfApprovalAllowed: false,
      authorsMayNotApprove: false,
      expiryHours: null,
      reasonRequiredOnReject: true,
      titleRequired: false,
      exitGate: [],
      entryGate: [],
    };
    const both: Approval = {
      userId: 'u1',
      name: 'Both',
      approvedAt: new Date(),
      policyVersion: 1,
      comment: null,
      notCounted: null,
      groupIds: ['sre', 'sec'],
      environmentRole: 'APPROVER',
    };
    expect(evaluatePolicy(base, [both]).met).toBe(true);
    expect(evaluatePolicy({ ...base, approverMayFillSeveralRules: false }, [both])).toMatchObject({
      met: false,
      missingRules: ['1 from Security'],
    });
    const secOnly = { ...both, userId: 'u2', name: 'Sec', groupIds: ['sec'] };
    // Matching: Both takes SRE, Sec takes Security, whatever order they came in.
    expect(evaluatePolicy({ ...base, approverMayFillSeveralRules: false }, [both, secOnly]).met).toBe(true);
    expect(evaluatePolicy({ ...base, approverMayFillSeveralRules: false }, [secOnly, both]).met).toBe(true);
  });

  it('judges approvals by roles and policy as they stand now', async () => {
    await setApprovalPolicy('qa', { approvalsRequired: 2 });
    const { id } = await requestIntoQa();
    const bob = await actorFor('bob@example.com');
    const dave = await actorFor('dave@example.com');
    await approvePromotion(bob, id);

    // Dave's role in QA is taken away after the request: he cannot approve.
    await setEnvironmentRole('dave@example.com', 'qa', null);
    await expect(approvePromotion(await actorFor('dave@example.com'), id)).rejects.toMatchObject({
      code: 'not_found',
    });
    void dave;

    // Bob's is revoked after he approved: his approval no longer counts.
    await setEnvironmentRole('bob@example.com', 'qa', null);
    const admin = await actorFor('admin@example.com');
    const outcome = await approvePromotion(admin, id);
    expect(outcome).toMatchObject({ status: 'pending', progress: { count: 1, required: 2 } });
    const stale = outcome.progress.approvals.find((approval) => approval.userId === bob.userId)!;
    expect(stale.notCounted).toContain('needs permission');
    expect((await promotionRow(id)).status).toBe('pending');
  });

  it('an approval given before the policy became stricter counts only if it meets the new one', async () => {
    const security = await createTestGroup('qa', 'Security team', ['admin@example.com']);
    await setApprovalPolicy('qa', { approvalsRequired: 2 });
    const { id } = await requestIntoQa();
    await approvePromotion(await actorFor('bob@example.com'), id);
    await setApprovalPolicy('qa', {
      approvalsRequired: 2,
      rules: [{ kind: 'group', groupId: security.id, count: 1 }],
    });
    const detail = await getPromotion(await actorFor('bob@example.com'), id);
    expect(detail.progress).toMatchObject({ count: 1, met: false, missingRules: ['1 from Security team'] });
    await expect(approvePromotion(await actorFor('admin@example.com'), id)).resolves.toMatchObject({
      status: 'accepted',
    });
  });
});

describe('the inbox', () => {
  it('a task I approved leaves my list and waits for others', async () => {
    await setApprovalPolicy('qa', { approvalsRequired: 2 });
    const { id } = await requestIntoQa();
    const bob = await actorFor('bob@example.com');
    const before = await countTasks(bob);
    expect((await listTasks(bob)).items.map((task) => task.id)).toContain(id);
    await approvePromotion(bob, id);
    expect((await listTasks(bob)).items.map((task) => task.id)).not.toContain(id);
    expect(await countTasks(bob)).toBe(before - 1);
    const waiting = await listTasks(bob, { waiting: true });
    expect(waiting.items.find((task) => task.id === id)).toMatchObject({
      progress: { count: 1, required: 2, approvals: [expect.objectContaining({ name: 'Bob Approver' })] },
    });
    // The other approver still has it to do, with its progress.
    const [task] = (await listTasks(await actorFor('admin@example.com'))).items.filter(
      (item) => item.id === id,
    );
    expect(task!.progress).toMatchObject({ count: 1, required: 2, met: false });
  });
});

describe('expiry', () => {
  it('marks pending requests older than the policy allows expired, as the system, and frees the target', async () => {
    await setApprovalPolicy('qa', { approvalsRequired: 1, expiryHours: 24 });
    const { api, id, alice } = await requestIntoQa();
    const young = await requestIntoQa();
    await backdate(id, 25);
    await backdate(young.id, 23);
    const since = await lastAuditSeq();

    expect(await expirePromotions()).toBe(1);
    expect(await promotionRow(id)).toMatchObject({ status: 'expired', decidedBy: null });
    expect((await promotionRow(young.id)).status).toBe('pending');
    const events = await auditEventsSince(since);
    expect(events).toEqual([
      expect.objectContaining({ action: 'promotion.expired', actorType: 'system', targetId: id }),
    ]);
    const notices = await db().select().from(notifications).where(eq(notifications.promotionId, id));
    expect(notices).toEqual([expect.objectContaining({ userId: alice.userId, kind: 'promotion.expired' })]);
    await expect(approvePromotion(await actorFor('bob@example.com'), id)).rejects.toMatchObject({
      code: 'conflict',
      message: 'This promotion request expired before it was decided.',
    });
    // Nothing else is due; the API may be requested again.
    expect(await expirePromotions()).toBe(0);
    await expect(requestPromotion(alice, { apiId: api.id, target: 'qa' })).resolves.toMatchObject({
      kind: 'requested',
    });
  });

  it('never expires where the policy sets no limit', async () => {
    const { id } = await requestIntoQa();
    await backdate(id, 24 * 365);
    expect(await expirePromotions()).toBe(0);
    expect((await promotionRow(id)).status).toBe('pending');
  });
});

describe('Update request', () => {
  it('brings the request to the source’s current revision: a new request, approvals start again', async () => {
    await setApprovalPolicy('qa', { approvalsRequired: 2 });
    const { api, id, alice } = await requestIntoQa({ title: 'First cut' });
    const bob = await actorFor('bob@example.com');
    await approvePromotion(bob, id);
    await expect(updatePromotionRequest(alice, id)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('already carries the source'),
    });

    await updateApiDefinition(alice, {
      apiId: api.id,
      baseRevision: 1,
      definition: { ...api.definition, version: '1.1.0' },
    });
    const stale = await getPromotion(bob, id);
    expect(stale).toMatchObject({
      sourceChanged: true,
      sourceRevision: 1,
      sourceRevisionNow: 2,
      canUpdateRequest: false,
    });
    expect((await getPromotion(alice, id)).canUpdateRequest).toBe(true);
    await expect(updatePromotionRequest(bob, id)).rejects.toMatchObject({ code: 'forbidden' });

    const since = await lastAuditSeq();
    const updated = await updatePromotionRequest(alice, id);
    expect(updated).toMatchObject({ supersededId: id, revision: 2 });
    expect(await promotionRow(id)).toMatchObject({ status: 'superseded' });
    expect(await promotionRow(updated.promotionId)).toMatchObject({
      status: 'pending',
      sourceRevision: 2,
      supersedes: id,
      title: 'First cut',
    });
    expect(await approvalsOf(updated.promotionId)).toEqual([]);
    expect((await getPromotion(bob, updated.promotionId)).progress).toMatchObject({ count: 0, required: 2 });
    expect((await getPromotion(bob, id)).supersededBy).toBe(updated.promotionId);
    expect((await auditEventsSince(since)).map((event) => [event.action, event.targetId])).toEqual([
      ['promotion.superseded', id],
      ['promotion.requested', updated.promotionId],
    ]);
    // Bob approves what he now sees.
    expect((await listTasks(bob)).items.map((task) => task.id)).toContain(updated.promotionId);
    await expect(approvePromotion(bob, id)).rejects.toMatchObject({
      code: 'conflict',
      details: { supersededBy: updated.promotionId },
    });
  });
});

describe('updateApprovalPolicy', () => {
  it('versions the policy, audits it, and refuses what is invalid or unchanged', async () => {
    const admin = await actorFor('admin@example.com');
    const bob = await actorFor('bob@example.com');
    const qa = await environmentId('qa');
    const before = await loadPolicy(db(), qa);
    const since = await lastAuditSeq();
    const after = await updateApprovalPolicy(admin, 'qa', { approvalsRequired: 3, expiryHours: 48 });
    expect(after).toMatchObject({ version: before.version + 1, approvalsRequired: 3, expiryHours: 48 });
    expect(await auditEventsSince(since)).toEqual([
      expect.objectContaining({
        action: 'environment.policy_updated',
        targetId: qa,
        changes: {
          before: expect.objectContaining({ version: before.version, approvalsRequired: 1 }),
          after: expect.objectContaining({ version: after.version, approvalsRequired: 3 }),
        },
      }),
    ]);
    await expect(
      updateApprovalPolicy(admin, 'qa', { approvalsRequired: 3, expiryHours: 48 }),
    ).rejects.toMatchObject({
      code: 'no_changes',
    });
    await expect(updateApprovalPolicy(admin, 'qa', { approvalsRequired: 0 })).rejects.toMatchObject({
      code: 'validation',
      fieldErrors: { approvalsRequired: [expect.any(String)] },
    });
    await expect(
      updateApprovalPolicy(admin, 'qa', {
        approvalsRequired: 1,
        rules: [{ kind: 'group', groupId: '00000000-0000-4000-8000-000000000000', count: 1 }],
      }),
    ).rejects.toMatchObject({
      code: 'validation',
      fieldErrors: { 'rules.0.groupId': ['There is no such group'] },
    });
    await expect(updateApprovalPolicy(bob, 'qa', { approvalsRequired: 1 })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(updateApprovalPolicy(bob, 'prod', { approvalsRequired: 1 })).rejects.toMatchObject({
      code: 'not_found',
    });
    // Policies are append-only in the database too.
    await expect(db().execute(sql`update approval_policies set approvals_required = 5`)).rejects.toThrow();
    await expect(db().execute(sql`delete from promotion_approvals`)).rejects.toThrow();
  });
});
