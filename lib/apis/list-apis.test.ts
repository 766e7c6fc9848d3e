import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';

import { getDb } from '@/db';
import { apis } from '@/db/schema';
import { listApis, type ApiListFilters } from '@/lib/apis/queries';
import { actorFor, createTestApi } from '@/test/fixtures';

/** Every page of a listing, followed by its cursors. */
async function walk(email: string, filters: ApiListFilters) {
  const actor = await actorFor(email);
  const names: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 50; pages++) {
    const page = await listApis(actor, 'dev', { ...filters, cursor });
    names.push(...page.items.map((api) => api.name));
    if (!page.nextCursor) return names;
    cursor = page.nextCursor;
  }
  throw new Error('the cursor never ended');
}

describe('finding APIs in an environment', () => {
  beforeAll(async () => {
    // Names and paths that test the search: wildcards in the text, and changes at the same instant.
    await createTestApi({ name: 'Rates 100% live', contextPath: '/rates_live' });
    await createTestApi({ name: 'Rates archive', contextPath: '/ratesxlive' });
    await getDb()
      .update(apis)
      .set({ updatedAt: sql`'2026-01-01T00:00:00.123456Z'::timestamptz` });
  });

  it('searches the name and the context path, any case; % and _ match themselves', async () => {
    expect(await walk('alice@example.com', { q: 'geo' })).toEqual(['Geo Lookup']);
    expect(await walk('alice@example.com', { q: '/ORDERS' })).toEqual(['Order Tracking']);
    expect(await walk('alice@example.com', { q: '100%' })).toEqual(['Rates 100% live']);
    expect(await walk('alice@example.com', { q: 'rates_' })).toEqual(['Rates 100% live']);
    expect(await walk('alice@example.com', { q: 'nothing like this' })).toEqual([]);
  });

  it('filters by lifecycle state', async () => {
    expect(await walk('alice@example.com', { state: 'deprecated' })).toEqual(['Geo Lookup']);
    const published = await walk('alice@example.com', { state: 'published' });
    expect(published).toContain('Payments');
    expect(published).not.toContain('Geo Lookup');
  });

  it('sorts by name or by last change, and every page follows on without a gap or a repeat', async () => {
    const byName = await walk('admin@example.com', { limit: 1 });
    expect(byName).toEqual([...byName].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(byName).toHaveLength(8);

    // All at one instant (microseconds included): the id breaks the tie, page after page.
    const sameInstant = await walk('admin@example.com', { sort: 'changed', limit: 3 });
    expect([...sameInstant].sort()).toEqual([...byName].sort());

    const newest = await createTestApi({ name: 'Zeta newest' });
    const byChange = await walk('admin@example.com', { sort: 'changed', limit: 2 });
    expect(byChange[0]).toBe(newest.name);
    expect(byChange).toHaveLength(9);
    expect(new Set(byChange).size).toBe(9);
  });

  it('keeps to what the actor may read, with the search too', async () => {
    // Erin sees DEV only through her API memberships: no Geo Lookup, whatever she searches.
    expect(await walk('erin@example.com', { q: 'geo' })).toEqual([]);
    expect(await walk('erin@example.com', { q: 'o' })).toEqual(
      expect.arrayContaining(['Notifications', 'Order Tracking', 'Product Catalog']),
    );
  });

  it('refuses what it cannot take, naming the field', async () => {
    const alice = await actorFor('alice@example.com');
    const refusal = (fields: Record<string, unknown>) =>
      listApis(alice, 'dev', fields as ApiListFilters).then(
        () => null,
        (error: { code: string; fieldErrors?: object }) => [error.code, Object.keys(error.fieldErrors ?? {})],
      );
    expect(await refusal({ state: 'gone' })).toEqual(['validation', ['state']]);
    expect(await refusal({ sort: 'size' })).toEqual(['validation', ['sort']]);
    expect(await refusal({ q: 'x'.repeat(201) })).toEqual(['validation', ['q']]);
    expect(await refusal({ colour: 'red' })).toEqual(['validation', ['colour']]);
    // A cursor from another sort, or garbage, starts from the top rather than failing.
    const top = await listApis(alice, 'dev', { sort: 'changed' });
    const fromGarbage = await listApis(alice, 'dev', { sort: 'changed', cursor: 'bm9wZQ' });
    expect(fromGarbage.items).toEqual(top.items);
  });
});
