import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';

import { getDb } from '@/db';
import { roleBindings, users } from '@/db/schema';
import { can, loadActor } from '@/lib/auth/actor';
import { actorFor, apiNamed, environmentId, isPostgres } from '@/test/fixtures';

import { grantRole } from './grant-role';
import { revokeRole } from './revoke-role';

async function userId(email: string) {
  const [row] = await getDb().select({ id: users.id }).from(users).where(eq(users.email, email));
  return row!.id;
}

describe('grantRole and revokeRole', () => {
  it('a granted environment role takes effect at once, and its revocation too', async () => {
    const admin = await actorFor('admin@example.com');
    const frank = await userId('frank@example.com');
    const prod = await environmentId('prod');
    expect(can((await loadActor(getDb(), frank, 'password'))!, 'AUDIT:READ', { environmentId: prod })).toBe(
      false,
    );

    await expect(
      grantRole(admin, { userId: frank, scope: 'environment', environmentId: prod, role: 'APPROVER' }),
    ).resolves.toEqual({ userId: frank, scope: 'environment', role: 'APPROVER', previousRole: null });
    expect(can((await loadActor(getDb(), frank, 'password'))!, 'AUDIT:READ', { environmentId: prod })).toBe(
      true,
    );

    await expect(
      grantRole(admin, { userId: frank, scope: 'environment', environmentId: prod, role: 'APPROVER' }),
    ).rejects.toMatchObject({ code: 'no_changes' });

    await revokeRole(admin, { userId: frank, scope: 'environment', environmentId: prod });
    expect(can((await loadActor(getDb(), frank, 'password'))!, 'AUDIT:READ', { environmentId: prod })).toBe(
      false,
    );
    await expect(
      revokeRole(admin, { userId: frank, scope: 'environment', environmentId: prod }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('binds an API role to the API and its environment', async () => {
    const admin = await actorFor('admin@example.com');
    const dave = await userId('dave@example.com');
    const api = await apiNamed('qa', 'Payments');
    await grantRole(admin, { userId: dave, scope: 'api', apiId: api.id, role: 'OWNER' });
    const [binding] = await getDb()
      .select()
      .from(roleBindings)
      .where(and(eq(roleBindings.userId, dave), eq(roleBindings.apiId, api.id)));
    expect(binding).toMatchObject({ scope: 'api', environmentId: api.environmentId, role: 'OWNER' });
    const actor = (await loadActor(getDb(), dave, 'password'))!;
    expect(can(actor, 'DEFINITION:UPDATE', { apiId: api.id, environmentId: api.environmentId })).toBe(true);
  });

  it('answers not_found for unknown users, environments and APIs, and refuses roles of another scope', async () => {
    const admin = await actorFor('admin@example.com');
    const erin = await userId('erin@example.com');
    const unknown = '00000000-0000-4000-8000-000000000000';
    await expect(
      grantRole(admin, { userId: unknown, scope: 'organization', role: 'ADMIN' }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(
      grantRole(admin, { userId: 'nope', scope: 'organization', role: 'ADMIN' }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(
      grantRole(admin, { userId: erin, scope: 'environment', environmentId: unknown, role: 'USER' }),
    ).rejects.toMatchObject({ code: 'not_found', message: 'Environment not found.' });
    await expect(
      grantRole(admin, { userId: erin, scope: 'api', apiId: unknown, role: 'USER' }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(
      grantRole(admin, {
        userId: erin,
        scope: 'environment',
        environmentId: await environmentId('qa'),
        role: 'OWNER',
      }),
    ).rejects.toMatchObject({
      code: 'validation',
      fieldErrors: { role: [expect.stringContaining('OWNER')] },
    });
    await expect(
      grantRole(admin, { userId: erin, scope: 'galaxy' as 'api', role: 'USER' }),
    ).rejects.toMatchObject({
      code: 'validation',
      fieldErrors: { scope: [expect.any(String)] },
    });
  });

  it('keeps the last organization admin', async () => {
    const admin = await actorFor('admin@example.com');
    const erin = await userId('erin@example.com');
    await grantRole(admin, { userId: erin, scope: 'organization', role: 'ADMIN' });
    const erinAdmin = await actorFor('erin@example.com');
    expect(erinAdmin.isOrgAdmin).toBe(true);
    await revokeRole(erinAdmin, { userId: admin.userId, scope: 'organization' });
    await expect(revokeRole(erinAdmin, { userId: erin, scope: 'organization' })).rejects.toMatchObject({
      code: 'conflict',
    });
    // Put things back for the other tests of this file.
    await grantRole(erinAdmin, { userId: admin.userId, scope: 'organization', role: 'ADMIN' });
    await revokeRole(await actorFor('admin@example.com'), { userId: erin, scope: 'organization' });
  });

  it.runIf(isPostgres())('of two admins revoking each other at once, one stays', async () => {
    const admin = await actorFor('admin@example.com');
    const frank = await userId('frank@example.com');
    await grantRole(admin, { userId: frank, scope: 'organization', role: 'ADMIN' });
    const frankAdmin = await actorFor('frank@example.com');
    const results = await Promise.allSettled([
      revokeRole(admin, { userId: frank, scope: 'organization' }),
      revokeRole(frankAdmin, { userId: admin.userId, scope: 'organization' }),
    ]);
    const admins = await getDb()
      .select()
      .from(roleBindings)
      .where(and(eq(roleBindings.scope, 'organization'), eq(roleBindings.role, 'ADMIN')));
    expect(admins).toHaveLength(1);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((result) => result.status === 'rejected')).toMatchObject({
      reason: { code: 'conflict' },
    });
  });
});
