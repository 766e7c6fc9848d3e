import { describe, expect, it } from 'vitest';

import { getApi, listApis } from '@/lib/apis/queries';
import { getVisibleEnvironment, listVisibleEnvironments } from '@/lib/environments/queries';
import { AppError } from '@/lib/errors';
import { actorFor, apiNamed } from '@/test/fixtures';

const devApis = [
  'Customer Accounts',
  'Geo Lookup',
  'Notifications',
  'Order Tracking',
  'Payments',
  'Product Catalog',
];
const qaApis = ['Customer Accounts', 'Payments'];
const demoApis = ['Customer Accounts'];

// What each demo user sees: environments, and the APIs listed in each of them.
const expected: Record<string, Record<string, string[]>> = {
  'admin@example.com': { dev: devApis, qa: qaApis, demo: demoApis, prod: [] },
  'alice@example.com': { dev: devApis },
  'bob@example.com': { qa: qaApis },
  'carol@example.com': { demo: demoApis, prod: [] },
  'dave@example.com': { qa: qaApis },
  // Erin holds no environment role: she sees DEV through her API memberships, and only those APIs.
  'erin@example.com': { dev: ['Notifications', 'Order Tracking', 'Payments', 'Product Catalog'] },
  'grace@example.com': { demo: demoApis },
};

const allEnvironments = ['dev', 'qa', 'demo', 'prod'];

describe.each(Object.entries(expected))('%s', (email, visible) => {
  it('sees exactly their environments, in lifecycle order', async () => {
    const environments = await listVisibleEnvironments(await actorFor(email));
    expect(environments.map((environment) => environment.key)).toEqual(Object.keys(visible));
  });

  it('lists exactly the APIs they may see in each', async () => {
    const actor = await actorFor(email);
    for (const [key, names] of Object.entries(visible)) {
      const page = await listApis(actor, key);
      expect(page.items.map((api) => api.name)).toEqual(names);
    }
  });

  it('gets not_found for every other environment and its APIs', async () => {
    const actor = await actorFor(email);
    for (const key of allEnvironments.filter((candidate) => !(candidate in visible))) {
      await expect(getVisibleEnvironment(actor, key)).rejects.toMatchObject({ code: 'not_found' });
      await expect(listApis(actor, key)).rejects.toMatchObject({ code: 'not_found' });
    }
    for (const key of ['dev', 'qa'].filter((candidate) => !(candidate in visible))) {
      const api = await apiNamed(key, 'Payments');
      await expect(getApi(actor, key, api.id)).rejects.toBeInstanceOf(AppError);
      await expect(getApi(actor, key, api.id)).rejects.toMatchObject({ code: 'not_found' });
    }
  });
});

describe('API visibility edges', () => {
  it('an API asked for under another environment is not found', async () => {
    const admin = await actorFor('admin@example.com');
    const devPayments = await apiNamed('dev', 'Payments');
    await expect(getApi(admin, 'qa', devPayments.id)).rejects.toMatchObject({ code: 'not_found' });
    expect((await getApi(admin, 'dev', devPayments.id)).id).toBe(devPayments.id);
  });

  it('a malformed id is not found, not an error', async () => {
    const admin = await actorFor('admin@example.com');
    await expect(getApi(admin, 'dev', 'not-a-uuid')).rejects.toMatchObject({ code: 'not_found' });
    await expect(listApis(admin, 'nope')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('erin does not see an API she is no member of', async () => {
    const erin = await actorFor('erin@example.com');
    const accounts = await apiNamed('dev', 'Customer Accounts');
    await expect(getApi(erin, 'dev', accounts.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('who may update a definition', async () => {
    const devPayments = await apiNamed('dev', 'Payments');
    const qaPayments = await apiNamed('qa', 'Payments');
    expect(
      (await getApi(await actorFor('alice@example.com'), 'dev', devPayments.id)).canUpdateDefinition,
    ).toBe(true);
    expect(
      (await getApi(await actorFor('erin@example.com'), 'dev', devPayments.id)).canUpdateDefinition,
    ).toBe(true);
    expect((await getApi(await actorFor('bob@example.com'), 'qa', qaPayments.id)).canUpdateDefinition).toBe(
      true,
    );
    expect((await getApi(await actorFor('dave@example.com'), 'qa', qaPayments.id)).canUpdateDefinition).toBe(
      false,
    );
  });

  it('pages through APIs with a keyset cursor', async () => {
    const admin = await actorFor('admin@example.com');
    const first = await listApis(admin, 'dev', { limit: 4 });
    expect(first.items).toHaveLength(4);
    expect(first.nextCursor).not.toBeNull();
    const second = await listApis(admin, 'dev', { limit: 4, cursor: first.nextCursor ?? undefined });
    expect([...first.items, ...second.items].map((api) => api.name)).toEqual(devApis);
    expect(second.nextCursor).toBeNull();
  });
});
