import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';

import { getDb } from '@/db';
import { environments, installations } from '@/db/schema';
import { listPromotionTargets } from '@/lib/promotions/queries';
import { getApi } from '@/lib/apis/queries';
import { requestPromotion } from '@/lib/promotions/request-promotion';
import { grantRole } from '@/lib/roles/grant-role';
import { actorFor, apiNamed, auditEventsSince, environmentId, lastAuditSeq, userIdOf } from '@/test/fixtures';

import { createEnvironment } from './create-environment';
import { deleteEnvironment } from './delete-environment';
import { createInstallation, renameInstallation } from './installation-writes';
import { reorderEnvironments } from './reorder-environments';
import { updateEnvironmentPolicy } from './update-environment-policy';
import { updateEnvironmentSettings } from './update-environment-settings';

const others = ['alice', 'bob', 'carol', 'dave', 'grace', 'erin', 'frank'].map(
  (name) => `${name}@example.com`,
);

const lifecycle = async (installationKey: string) =>
  (
    await getDb()
      .select({ key: environments.key })
      .from(environments)
      .innerJoin(installations, eq(installations.id, environments.installationId))
      .where(eq(installations.key, installationKey))
      .orderBy(environments.position)
  ).map((row) => row.key);

describe('environments and installations, administered', () => {
  it('only an organization admin may: everyone else is told there is nothing (404), and each attempt is audited', async () => {
    const writes: [string, (actor: Awaited<ReturnType<typeof actorFor>>) => Promise<unknown>][] = [
      ['installation.created', (actor) => createInstallation(actor, { key: 'edge', name: 'Edge' })],
      ['installation.updated', (actor) => renameInstallation(actor, { key: 'development', name: 'Dev' })],
      [
        'environment.created',
        (actor) => createEnvironment(actor, { key: 'perf', name: 'PERF', installation: 'development' }),
      ],
      [
        'installation.lifecycle_reordered',
        (actor) => reorderEnvironments(actor, { installation: 'development', environments: ['qa', 'dev'] }),
      ],
      ['environment.deleted', (actor) => deleteEnvironment(actor, 'qa')],
    ];
    for (const email of others) {
      const actor = await actorFor(email);
      for (const [action, write] of writes) {
        const since = await lastAuditSeq();
        await expect(write(actor), `${action} as ${email}`).rejects.toMatchObject({ code: 'not_found' });
        expect(
          (await auditEventsSince(since)).map((event) => [event.action, event.outcome, event.actorName]),
          `${action} as ${email}`,
        ).toEqual([[action, 'denied', expect.any(String)]]);
      }
    }
    expect(await lifecycle('development')).toEqual(['dev', 'qa']);
  });

  it('creates an installation and environments at a place in the lifecycle, reorders them, and audits each act', async () => {
    const admin = await actorFor('admin@example.com');
    const since = await lastAuditSeq();
    await createInstallation(admin, { key: 'staging', name: 'Staging' });
    await createEnvironment(admin, { key: 'stg-b', name: 'STG B', installation: 'staging' });
    await createEnvironment(admin, { key: 'stg-a', name: 'STG A', installation: 'staging', after: null });
    await createEnvironment(admin, { key: 'stg-m', name: 'STG M', installation: 'staging', after: 'stg-a' });
    expect(await lifecycle('staging')).toEqual(['stg-a', 'stg-m', 'stg-b']);
    await reorderEnvironments(admin, { installation: 'staging', environments: ['stg-b', 'stg-a', 'stg-m'] });
    expect(await lifecycle('staging')).toEqual(['stg-b', 'stg-a', 'stg-m']);
    expect(
      (await auditEventsSince(since)).map((event) => [event.action, event.outcome, event.changes]),
    ).toEqual([
      ['installation.created', 'success', { before: null, after: { key: 'staging', name: 'Staging' } }],
      [
        'environment.created',
        'success',
        { before: null, after: { key: 'stg-b', name: 'STG B', installation: 'staging', after: null } },
      ],
      [
        'environment.created',
        'success',
        { before: null, after: { key: 'stg-a', name: 'STG A', installation: 'staging', after: null } },
      ],
      [
        'environment.created',
        'success',
        { before: null, after: { key: 'stg-m', name: 'STG M', installation: 'staging', after: 'stg-a' } },
      ],
      [
        'installation.lifecycle_reordered',
        'success',
        {
          before: { environments: ['stg-a', 'stg-m', 'stg-b'] },
          after: { environments: ['stg-b', 'stg-a', 'stg-m'] },
        },
      ],
    ]);

    // Bad input: field by field, nothing written.
    await expect(
      createEnvironment(admin, { key: 'QA', name: '', installation: 'nowhere' }),
    ).rejects.toMatchObject({
      code: 'validation',
      fieldErrors: { key: [expect.stringContaining('Lowercase')], name: ['Required'] },
    });
    await expect(
      createEnvironment(admin, { key: 'qa', name: 'Again', installation: 'staging' }),
    ).rejects.toMatchObject({
      fieldErrors: { key: ['An environment with the key qa exists'] },
    });
    await expect(
      createEnvironment(admin, { key: 'stg-z', name: 'Z', installation: 'staging', after: 'dev' }),
    ).rejects.toMatchObject({ fieldErrors: { after: ['dev is not in Staging'] } });
    await expect(
      reorderEnvironments(admin, { installation: 'staging', environments: ['stg-b', 'stg-a'] }),
    ).rejects.toMatchObject({ code: 'validation' });
    await expect(createInstallation(admin, { key: 'staging', name: 'Twice' })).rejects.toMatchObject({
      fieldErrors: { key: ['An installation with the key staging exists'] },
    });
  });

  it('refuses to delete an environment that holds APIs, promotions or a policy, with the reason; deletes an unused one', async () => {
    const admin = await actorFor('admin@example.com');
    await expect(deleteEnvironment(admin, 'dev')).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(
        /^DEV cannot be deleted: it holds \d+ APIs \(archived ones count\); its approval policy was saved/,
      ),
    });
    await createEnvironment(admin, { key: 'sandbox', name: 'Sandbox', installation: 'development' });
    const sandbox = await environmentId('sandbox');
    await grantRole(admin, {
      userId: await userIdOf('dave@example.com'),
      scope: 'environment',
      environmentId: sandbox,
      role: 'USER',
    });
    await updateEnvironmentSettings(admin, {
      environmentId: await environmentId('qa'),
      allowedSourceIds: [sandbox, await environmentId('dev')],
    });
    const since = await lastAuditSeq();
    await deleteEnvironment(admin, 'sandbox');
    expect(await getDb().select().from(environments).where(eq(environments.key, 'sandbox'))).toEqual([]);
    const [qa] = await getDb().select().from(environments).where(eq(environments.key, 'qa'));
    expect(qa!.allowedSourceIds).toEqual([await environmentId('dev')]);
    expect(await auditEventsSince(since)).toEqual([
      expect.objectContaining({
        action: 'environment.deleted',
        outcome: 'success',
        changes: {
          before: expect.objectContaining({
            key: 'sandbox',
            allowedSourceOf: ['qa'],
            roles: [expect.objectContaining({ role: 'USER' })],
          }),
          after: null,
        },
      }),
    ]);

    await createEnvironment(admin, { key: 'governed', name: 'Governed', installation: 'development' });
    await updateEnvironmentPolicy(admin, 'governed', { settings: {}, policy: { approvalsRequired: 2 } });
    await expect(deleteEnvironment(admin, 'governed')).rejects.toMatchObject({
      message: 'Governed cannot be deleted: its approval policy was saved (policy versions are kept).',
    });
  });

  it('keeps a key once the environment holds APIs; renames freely', async () => {
    const admin = await actorFor('admin@example.com');
    await expect(
      updateEnvironmentSettings(admin, { environmentId: await environmentId('dev'), key: 'development' }),
    ).rejects.toMatchObject({ fieldErrors: { key: ['The key is fixed once the environment holds APIs'] } });
    await createEnvironment(admin, { key: 'tmp', name: 'Temp', installation: 'development' });
    await updateEnvironmentSettings(admin, {
      environmentId: await environmentId('tmp'),
      key: 'scratch',
      name: 'Scratch',
    });
    expect(await lifecycle('development')).toContain('scratch');
  });

  it('saves settings and policy together or not at all', async () => {
    const admin = await actorFor('admin@example.com');
    const since = await lastAuditSeq();
    await expect(
      updateEnvironmentPolicy(admin, 'qa', {
        settings: { name: 'Quality' },
        policy: {
          approvalsRequired: 1,
          rules: [{ kind: 'group', groupId: '00000000-0000-4000-8000-000000000000', count: 1 }],
        },
      }),
    ).rejects.toMatchObject({
      code: 'validation',
      fieldErrors: { 'policy.rules.0.groupId': ['There is no such group'] },
    });
    const [qa] = await getDb().select().from(environments).where(eq(environments.key, 'qa'));
    expect(qa!.name).toBe('QA');
    expect(await auditEventsSince(since)).toEqual([]);

    await updateEnvironmentPolicy(admin, 'qa', {
      settings: { name: 'Quality' },
      policy: { approvalsRequired: 2 },
    });
    expect((await auditEventsSince(since)).map((event) => event.action)).toEqual([
      'environment.updated',
      'environment.policy_updated',
    ]);
  });

  it('a target that accepts only some sources refuses the others with 422, and the picker shows why', async () => {
    const admin = await actorFor('admin@example.com');
    await updateEnvironmentPolicy(admin, 'prod', {
      settings: { allowedSourceIds: [await environmentId('demo')] },
      policy: { approvalsRequired: 2 },
    });
    const accounts = await apiNamed('dev', 'Customer Accounts');
    const alice = await actorFor('alice@example.com');
    await expect(requestPromotion(alice, { apiId: accounts.id, target: 'prod' })).rejects.toMatchObject({
      code: 'unprocessable',
      message: 'PROD accepts promotions from DEMO only.',
    });
    const targets = await listPromotionTargets(alice, await getApi(alice, 'dev', accounts.id));
    expect(targets.find((target) => target.key === 'prod')).toMatchObject({
      unavailableReason: 'PROD accepts promotions from DEMO only.',
    });
    expect(targets.find((target) => target.key === 'qa')).toMatchObject({ unavailableReason: null });
  });
});
