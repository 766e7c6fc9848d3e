import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';

import { getDb } from '@/db';
import { environments, users } from '@/db/schema';
import { grantRole } from '@/lib/roles/grant-role';
import { actorFor, environmentId } from '@/test/fixtures';

import { updateEnvironmentSettings } from './update-environment-settings';

async function environment(key: string) {
  const [row] = await getDb().select().from(environments).where(eq(environments.key, key));
  return row!;
}

describe('updateEnvironmentSettings', () => {
  it('changes only the given settings', async () => {
    const admin = await actorFor('admin@example.com');
    const before = await environment('prod');
    const result = await updateEnvironmentSettings(admin, {
      environmentId: before.id,
      name: 'Production',
      directPromotionAllowed: !before.directPromotionAllowed,
    });
    expect(result).toMatchObject({
      name: 'Production',
      directPromotionAllowed: !before.directPromotionAllowed,
    });
    expect(await environment('prod')).toEqual({
      ...before,
      name: 'Production',
      directPromotionAllowed: !before.directPromotionAllowed,
    });
    await expect(
      updateEnvironmentSettings(admin, { environmentId: before.id, name: 'Production' }),
    ).rejects.toMatchObject({ code: 'no_changes' });
  });

  it('refuses itself or unknown environments as sources, and keeps the list sorted and unique', async () => {
    const admin = await actorFor('admin@example.com');
    const [qa, dev, demo] = [
      await environmentId('qa'),
      await environmentId('dev'),
      await environmentId('demo'),
    ];
    await expect(
      updateEnvironmentSettings(admin, { environmentId: qa, allowedSourceIds: [qa] }),
    ).rejects.toMatchObject({ code: 'validation', fieldErrors: { allowedSourceIds: [expect.any(String)] } });
    await expect(
      updateEnvironmentSettings(admin, {
        environmentId: qa,
        allowedSourceIds: ['00000000-0000-4000-8000-000000000000'],
      }),
    ).rejects.toMatchObject({ code: 'validation' });
    const result = await updateEnvironmentSettings(admin, {
      environmentId: qa,
      allowedSourceIds: [demo, dev, dev.toUpperCase()],
    });
    expect(result.allowedSourceIds).toEqual([dev, demo].sort());
    expect(
      (await updateEnvironmentSettings(admin, { environmentId: qa, allowedSourceIds: null }))
        .allowedSourceIds,
    ).toBeNull();
  });

  it('lets an environment admin change their environment, and nobody else below the organization', async () => {
    const admin = await actorFor('admin@example.com');
    const [erin] = await getDb().select().from(users).where(eq(users.email, 'erin@example.com'));
    const dev = await environmentId('dev');
    await grantRole(admin, { userId: erin!.id, scope: 'environment', environmentId: dev, role: 'ADMIN' });
    const erinActor = await actorFor('erin@example.com');
    await expect(
      updateEnvironmentSettings(erinActor, { environmentId: dev, directPromotionAllowed: false }),
    ).resolves.toMatchObject({ directPromotionAllowed: false });
    await expect(
      updateEnvironmentSettings(erinActor, { environmentId: await environmentId('qa'), name: 'Q' }),
    ).rejects.toMatchObject({ code: 'not_found' });
    const alice = await actorFor('alice@example.com');
    await expect(updateEnvironmentSettings(alice, { environmentId: dev, name: 'D' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(updateEnvironmentSettings(alice, { environmentId: 'dev', name: 'D' })).rejects.toMatchObject(
      {
        code: 'not_found',
      },
    );
  });
});
