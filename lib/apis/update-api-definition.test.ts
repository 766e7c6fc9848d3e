import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';

import { getDb } from '@/db';
import { apiRevisions, apis, roleBindings, users } from '@/db/schema';
import { loadActor } from '@/lib/auth/actor';
import { actorFor, apiNamed, auditEventsSince, isPostgres, lastAuditSeq } from '@/test/fixtures';

import { updateApiDefinition } from './update-api-definition';

async function revisionCount(apiId: string) {
  const [row] = await getDb()
    .select({ count: sql<number>`count(*)::int` })
    .from(apiRevisions)
    .where(eq(apiRevisions.apiId, apiId));
  return row!.count;
}

async function apiRow(apiId: string) {
  const [row] = await getDb().select().from(apis).where(eq(apis.id, apiId));
  return row!;
}

describe('updateApiDefinition', () => {
  it('saves the next revision, moves the API to it and audits the change', async () => {
    const alice = await actorFor('alice@example.com');
    const api = await apiNamed('dev', 'Order Tracking');
    const since = await lastAuditSeq();
    const definition = { ...api.definition, version: '1.2.0', description: 'Now with delivery windows.' };

    const result = await updateApiDefinition(alice, {
      apiId: api.id,
      baseRevision: api.currentRevision,
      definition,
      message: 'Add delivery windows',
    });

    expect(result.revision).toBe(api.currentRevision + 1);
    const after = await apiRow(api.id);
    expect(after.currentRevision).toBe(api.currentRevision + 1);
    expect(after.version).toBe('1.2.0');
    expect(after.updatedBy).toBe(alice.userId);
    expect(await revisionCount(api.id)).toBe(api.currentRevision + 1);
    const [revision] = await getDb()
      .select()
      .from(apiRevisions)
      .where(and(eq(apiRevisions.apiId, api.id), eq(apiRevisions.revision, result.revision)));
    expect(revision).toMatchObject({ message: 'Add delivery windows', createdBy: alice.userId });
    expect(revision!.definition.description).toBe('Now with delivery windows.');

    const events = await auditEventsSince(since);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'api.updated',
      outcome: 'success',
      actorId: alice.userId,
      actorName: alice.name,
      authMethod: 'password',
      sourceIp: '203.0.113.7',
      targetType: 'api',
      targetId: api.id,
      environmentIds: [api.environmentId],
    });
    expect(events[0]!.changes).toMatchObject({
      before: { revision: api.currentRevision, definition: { version: '1.1.0' } },
      after: { revision: result.revision, definition: { version: '1.2.0' } },
    });
  });

  it('refuses an invalid definition field by field and saves nothing', async () => {
    const alice = await actorFor('alice@example.com');
    const api = await apiNamed('dev', 'Payments');
    const since = await lastAuditSeq();
    const definition = {
      ...api.definition,
      contextPath: 'payments',
      endpoints: [{ name: 'x', target: 'ftp://nope' }],
      plans: [{ name: 'Gold', security: 'MAGIC' }],
    };

    const error = await updateApiDefinition(alice, {
      apiId: api.id,
      baseRevision: api.currentRevision,
      definition,
    }).catch((e) => e);

    expect(error).toMatchObject({ code: 'validation' });
    expect(Object.keys(error.fieldErrors)).toEqual(
      expect.arrayContaining(['contextPath', 'endpoints.0.target', 'plans.0.security']),
    );
    expect(await apiRow(api.id)).toEqual(api);
    expect(await revisionCount(api.id)).toBe(api.currentRevision);
    expect(await auditEventsSince(since)).toEqual([]);
  });

  it('refuses a user without DEFINITION:UPDATE, records the refusal and changes nothing', async () => {
    const dave = await actorFor('dave@example.com');
    const api = await apiNamed('qa', 'Payments');
    const since = await lastAuditSeq();

    await expect(
      updateApiDefinition(dave, {
        apiId: api.id,
        baseRevision: api.currentRevision,
        definition: { ...api.definition, version: '9.9.9' },
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });

    expect(await apiRow(api.id)).toEqual(api);
    expect(await revisionCount(api.id)).toBe(1);
    const events = await auditEventsSince(since);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'api.updated',
      outcome: 'denied',
      actorId: dave.userId,
      targetId: api.id,
    });
    expect(events[0]!.changes).toBeNull();
  });

  it('answers not_found, not forbidden, for an API outside the actor’s reach', async () => {
    const bob = await actorFor('bob@example.com');
    const api = await apiNamed('dev', 'Payments');
    await expect(
      updateApiDefinition(bob, {
        apiId: api.id,
        baseRevision: api.currentRevision,
        definition: api.definition,
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(await apiRow(api.id)).toEqual(api);
  });

  it('refuses to save over a newer revision', async () => {
    const alice = await actorFor('alice@example.com');
    const api = await apiNamed('dev', 'Geo Lookup');
    await updateApiDefinition(alice, {
      apiId: api.id,
      baseRevision: api.currentRevision,
      definition: { ...api.definition, version: '1.3.0' },
    });
    await expect(
      updateApiDefinition(alice, {
        apiId: api.id,
        baseRevision: api.currentRevision,
        definition: { ...api.definition, version: '1.4.0' },
      }),
    ).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('changed since you opened it'),
    });
    expect((await apiRow(api.id)).version).toBe('1.3.0');
  });

  it('refuses a save that changes nothing', async () => {
    const alice = await actorFor('alice@example.com');
    const api = await apiNamed('dev', 'Notifications');
    await expect(
      updateApiDefinition(alice, {
        apiId: api.id,
        baseRevision: api.currentRevision,
        definition: api.definition,
      }),
    ).rejects.toMatchObject({ code: 'no_changes' });
    expect(await revisionCount(api.id)).toBe(api.currentRevision);
  });

  it('refuses a context path another API of the environment uses', async () => {
    const alice = await actorFor('alice@example.com');
    const api = await apiNamed('dev', 'Product Catalog');
    const since = await lastAuditSeq();
    const error = await updateApiDefinition(alice, {
      apiId: api.id,
      baseRevision: api.currentRevision,
      definition: { ...api.definition, contextPath: '/payments' },
    }).catch((e) => e);
    expect(error).toMatchObject({
      code: 'validation',
      fieldErrors: { contextPath: [expect.stringContaining('/payments')] },
    });
    expect(await apiRow(api.id)).toEqual(api);
    expect(await auditEventsSince(since)).toEqual([]);
  });

  it('a revoked role takes effect at once', async () => {
    const api = await apiNamed('qa', 'Customer Accounts');
    const [bob] = await getDb().select().from(users).where(eq(users.email, 'bob@example.com'));
    const before = await loadActor(getDb(), bob!.id, 'password');
    expect(before).not.toBeNull();
    await getDb().delete(roleBindings).where(eq(roleBindings.userId, bob!.id));
    // The same user, next request: roles come from the database, not from the session.
    const after = (await loadActor(getDb(), bob!.id, 'password'))!;
    await expect(
      updateApiDefinition(after, {
        apiId: api.id,
        baseRevision: api.currentRevision,
        definition: { ...api.definition, version: '1.4.1' },
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it.runIf(isPostgres())('of concurrent saves from one base revision, exactly one wins', async () => {
    const alice = await actorFor('alice@example.com');
    const api = await apiNamed('dev', 'Customer Accounts');
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, index) =>
        updateApiDefinition(alice, {
          apiId: api.id,
          baseRevision: api.currentRevision,
          definition: { ...api.definition, version: `2.0.${index}` },
        }),
      ),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const refusals = results.filter((result) => result.status === 'rejected');
    expect(refusals).toHaveLength(9);
    for (const refusal of refusals) expect(refusal.reason).toMatchObject({ code: 'conflict' });
    expect(await revisionCount(api.id)).toBe(api.currentRevision + 1);
  });
});
