import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';

import { getDb } from '@/db';
import { apis, environments, promotions, roleBindings } from '@/db/schema';
import {
  actorFor,
  apiNamed,
  auditEventsSince,
  createTestApi,
  environmentId,
  lastAuditSeq,
  setApprovalPolicy,
  setEnvironmentRole,
} from '@/test/fixtures';

import { approvePromotion } from './approve-promotion';
import { requestPromotion } from './request-promotion';

async function inEnvironment(crossId: string, key: string) {
  const [row] = await getDb()
    .select()
    .from(apis)
    .where(and(eq(apis.crossId, crossId), eq(apis.environmentId, await environmentId(key))));
  return row ?? null;
}

async function promotionCount(apiId: string) {
  return (await getDb().select().from(promotions).where(eq(promotions.apiId, apiId))).length;
}

describe('promotion modes and types (Codefresh and JFrog semantics)', () => {
  it('direct applies at once where the target allows it and the requester alone meets its policy', async () => {
    const api = await createTestApi({ owner: 'admin@example.com' });
    const admin = await actorFor('admin@example.com');
    // QA's policy counts no requester: a direct promotion, the requester's own approval, is refused.
    await expect(
      requestPromotion(admin, { apiId: api.id, target: 'qa', mode: 'direct' }),
    ).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('does not allow approving your own requests'),
    });
    await setApprovalPolicy('qa', { approvalsRequired: 1, selfApprovalAllowed: true });
    const since = await lastAuditSeq();
    const outcome = await requestPromotion(admin, { apiId: api.id, target: 'qa', mode: 'direct' });
    expect(outcome).toMatchObject({
      kind: 'applied',
      action: 'create',
      result: { action: 'created', revision: 1 },
    });
    const [row] = await getDb().select().from(promotions).where(eq(promotions.apiId, api.id));
    expect(row).toMatchObject({ mode: 'direct', status: 'accepted', decidedBy: admin.userId });
    expect((await inEnvironment(api.crossId, 'qa'))?.definition).toEqual(api.definition);
    expect((await auditEventsSince(since)).map((event) => event.action)).toEqual([
      'promotion.requested',
      'promotion.approved',
      'api.created',
      'promotion.accepted',
    ]);

    // Where the policy needs two approvers, the requester alone never meets it.
    await setApprovalPolicy('qa', { approvalsRequired: 2, selfApprovalAllowed: true });
    const other = await createTestApi({ owner: 'admin@example.com' });
    await expect(
      requestPromotion(admin, { apiId: other.id, target: 'qa', mode: 'direct' }),
    ).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('needs more than your approval (1 of 2 approvals)'),
    });
    expect(await promotionCount(other.id)).toBe(0);
    await setApprovalPolicy('qa', { approvalsRequired: 1 });
  });

  it('direct is refused where the target does not allow it (PROD) and for those who may not accept there', async () => {
    const api = await createTestApi();
    const alice = await actorFor('alice@example.com');
    const admin = await actorFor('admin@example.com');
    await expect(
      requestPromotion(admin, { apiId: api.id, target: 'prod', mode: 'direct' }),
    ).rejects.toMatchObject({
      code: 'forbidden',
      message: 'PROD does not allow direct promotion: request one instead.',
    });
    await expect(
      requestPromotion(alice, { apiId: api.id, target: 'qa', mode: 'direct' }),
    ).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('needs permission to create APIs there'),
    });
    expect(await promotionCount(api.id)).toBe(0);
    expect(await inEnvironment(api.crossId, 'qa')).toBeNull();
  });

  it('a dry run writes nothing and says what would happen', async () => {
    const admin = await actorFor('admin@example.com');
    const payments = await apiNamed('dev', 'Payments');
    const since = await lastAuditSeq();
    const preview = await requestPromotion(admin, { apiId: payments.id, target: 'qa', type: 'dry_run' });
    expect(preview).toMatchObject({
      kind: 'dry_run',
      action: 'update',
      revision: 3,
      targetReadable: true,
      targetRevision: 1,
    });
    expect(preview.changes).toEqual(expect.arrayContaining(['version', 'plans']));
    expect(preview.definition.version).toBe('2.3.0');
    // Alice may not read QA's Payments: she sees her snapshot and "update", nothing of QA's API.
    const alices = await requestPromotion(await actorFor('alice@example.com'), {
      apiId: payments.id,
      target: 'qa',
      type: 'dry_run',
    });
    expect(alices).toMatchObject({
      action: 'update',
      targetReadable: false,
      targetApiId: null,
      targetRevision: null,
      changes: null,
      definition: payments.definition,
    });
    expect(await promotionCount(payments.id)).toBe(0);
    expect(await auditEventsSince(since)).toEqual([]);
    expect((await inEnvironment(payments.crossId, 'qa'))!.currentRevision).toBe(1);
  });

  it('move archives the source once applied', async () => {
    const api = await createTestApi();
    const alice = await actorFor('alice@example.com');
    const bob = await actorFor('bob@example.com');
    const { id } = await requestPromotion(alice, { apiId: api.id, target: 'qa', type: 'move' });
    expect((await getDb().select().from(apis).where(eq(apis.id, api.id)))[0]!.lifecycleState).toBe(
      'published',
    );
    const since = await lastAuditSeq();
    await approvePromotion(bob, id);
    expect((await getDb().select().from(apis).where(eq(apis.id, api.id)))[0]!.lifecycleState).toBe(
      'archived',
    );
    expect((await auditEventsSince(since)).map((event) => [event.action, event.targetId])).toEqual([
      ['promotion.approved', id],
      ['api.created', (await inEnvironment(api.crossId, 'qa'))!.id],
      ['api.archived', api.id],
      ['promotion.accepted', id],
    ]);
  });

  it('a move needs the requester’s right to archive the source, at the request and when applied', async () => {
    const api = await createTestApi();
    // Dave maintains DEV: he may change every API there (so promote a copy), but archive none.
    await setEnvironmentRole('dave@example.com', 'dev', 'MAINTAINER');
    const dave = await actorFor('dave@example.com');
    const since = await lastAuditSeq();
    await expect(requestPromotion(dave, { apiId: api.id, target: 'qa', type: 'move' })).rejects.toMatchObject(
      {
        code: 'forbidden',
        message: expect.stringContaining('DEFINITION:DELETE'),
      },
    );
    expect((await auditEventsSince(since)).map((event) => [event.action, event.outcome])).toEqual([
      ['promotion.requested', 'denied'],
    ]);
    await expect(
      requestPromotion(dave, { apiId: api.id, target: 'qa', type: 'dry_run' }),
    ).resolves.toBeDefined();

    // Alice owns it and asks for a move; by the time Bob approves she no longer owns it.
    const alice = await actorFor('alice@example.com');
    const { id } = await requestPromotion(alice, { apiId: api.id, target: 'qa', type: 'move' });
    await getDb()
      .delete(roleBindings)
      .where(and(eq(roleBindings.apiId, api.id), eq(roleBindings.userId, alice.userId)));
    await expect(approvePromotion(await actorFor('bob@example.com'), id)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('This move cannot complete'),
    });
    expect(await inEnvironment(api.crossId, 'qa')).toBeNull();
    expect((await getDb().select().from(apis).where(eq(apis.id, api.id)))[0]!.lifecycleState).toBe(
      'published',
    );
    await setEnvironmentRole('dave@example.com', 'dev', null);
  });

  it('include and exclude: excluded parts keep the target’s content on update and stay empty on create', async () => {
    const alice = await actorFor('alice@example.com');
    const bob = await actorFor('bob@example.com');
    const source = await apiNamed('dev', 'Payments');
    const before = (await inEnvironment(source.crossId, 'qa'))!;

    // include wins over exclude: only plans travel (plus the identity fields).
    const { id } = await requestPromotion(alice, {
      apiId: source.id,
      target: 'qa',
      include: ['plans'],
      exclude: ['plans', 'flows'],
      properties: { 'timeout.ms': '9000', region: 'eu' },
      parameters: { ticket: 'CHG-42' },
    });
    const [row] = await getDb().select().from(promotions).where(eq(promotions.id, id));
    expect(row).toMatchObject({
      included: ['plans'],
      excluded: ['endpoints', 'flows', 'properties', 'pages', 'metadata'],
      parameters: { ticket: 'CHG-42' },
    });
    await approvePromotion(bob, id);
    const after = (await inEnvironment(source.crossId, 'qa'))!;
    expect(after.definition.plans).toEqual(source.definition.plans);
    expect(after.definition.endpoints).toEqual(before.definition.endpoints);
    expect(after.definition.flows).toEqual(before.definition.flows);
    expect(after.definition.version).toBe(source.definition.version);
    // Additional properties override the target's own.
    const properties = Object.fromEntries(after.definition.properties.map((p) => [p.key, p.value]));
    expect(properties).toMatchObject({ 'timeout.ms': '9000', region: 'eu' });
    for (const property of before.definition.properties.filter(
      (p) => !['timeout.ms', 'region'].includes(p.key),
    )) {
      expect(properties[property.key]).toBe(property.value);
    }

    // On create, excluded parts are empty; excluding endpoints would leave an API without any: refused.
    const fresh = await createTestApi();
    const alice2 = await actorFor('alice@example.com');
    const created = await requestPromotion(alice2, {
      apiId: fresh.id,
      target: 'demo',
      exclude: ['plans'],
      type: 'dry_run',
    });
    expect(created.definition.plans).toEqual([]);
    expect(created.definition.endpoints).toEqual(fresh.definition.endpoints);
    await expect(
      requestPromotion(alice2, { apiId: fresh.id, target: 'demo', exclude: ['endpoints'] }),
    ).rejects.toMatchObject({
      code: 'validation',
      fieldErrors: { 'definition.endpoints': ['At least one endpoint'] },
    });
  });

  it('refuses a promotion that would change nothing, whatever its mode, to those who may read the target', async () => {
    const admin = await actorFor('admin@example.com');
    const accounts = await apiNamed('dev', 'Customer Accounts');
    for (const type of ['copy', 'dry_run'] as const) {
      await expect(
        requestPromotion(admin, { apiId: accounts.id, target: 'qa', revision: 2, type }),
      ).rejects.toMatchObject({
        code: 'no_changes',
      });
    }
    // Alice may not read QA's copy: telling her it equals her snapshot would reveal it.
    await expect(
      requestPromotion(await actorFor('alice@example.com'), {
        apiId: accounts.id,
        target: 'qa',
        revision: 2,
        type: 'dry_run',
      }),
    ).resolves.toMatchObject({ targetReadable: false, changes: null });
  });

  it('refuses invalid options field by field', async () => {
    const api = await createTestApi();
    const error = await requestPromotion(await actorFor('alice@example.com'), {
      apiId: api.id,
      target: 'qa',
      mode: 'now' as never,
      include: ['everything'] as never,
      properties: { 'bad key': 'x' },
    }).catch((e) => e);
    expect(error).toMatchObject({ code: 'validation' });
    expect(Object.keys(error.fieldErrors)).toEqual(
      expect.arrayContaining(['mode', 'include.0', 'properties.bad key']),
    );
    expect(await promotionCount(api.id)).toBe(0);
  });

  it('an environment may accept promotions only from chosen sources', async () => {
    const api = await createTestApi();
    const alice = await actorFor('alice@example.com');
    await getDb()
      .update(environments)
      .set({ allowedSourceIds: [await environmentId('demo')] })
      .where(eq(environments.key, 'prod'));
    try {
      await expect(requestPromotion(alice, { apiId: api.id, target: 'prod' })).rejects.toMatchObject({
        code: 'unprocessable',
        message: 'PROD accepts promotions from DEMO only.',
      });
    } finally {
      await getDb().update(environments).set({ allowedSourceIds: null }).where(eq(environments.key, 'prod'));
    }
  });
});
