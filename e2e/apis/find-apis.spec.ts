import { expect, test } from '@playwright/test';

import { storageStateOf } from '../fixtures';

test.use({ storageState: storageStateOf('alice') });

test('alice finds an API by part of its name or path and state, sorts by last change, and the URL keeps it', async ({
  page,
}) => {
  await page.goto('/environments/dev/apis');
  const search = page.getByRole('search', { name: 'Find APIs' });
  const rows = page.getByRole('table').getByRole('row');

  await search.getByLabel('Search').fill('GEO');
  await search.getByRole('button', { name: 'Find' }).click();
  await expect(page).toHaveURL(/[?&]q=GEO/);
  await expect(rows.filter({ hasText: 'Geo Lookup' })).toHaveCount(1);
  await expect(rows).toHaveCount(2); // the header and Geo Lookup

  // By context path, and by state: the URL is the view, so a reload shows the same.
  await search.getByLabel('Search').fill('/orders');
  await search.getByLabel('State').selectOption('deprecated');
  await search.getByRole('button', { name: 'Find' }).click();
  await expect(page.getByText('No API in DEV matches.')).toBeVisible();
  await search.getByLabel('State').selectOption('');
  await search.getByRole('button', { name: 'Find' }).click();
  await expect(rows.filter({ hasText: 'Order Tracking' })).toHaveCount(1);
  await page.reload();
  await expect(page.getByRole('search').getByLabel('Search')).toHaveValue('/orders');
  await expect(rows.filter({ hasText: 'Order Tracking' })).toHaveCount(1);

  // Everything, newest change first.
  await page.goto('/environments/dev/apis?sort=changed');
  await expect(page.getByRole('search').getByLabel('Sort by')).toHaveValue('changed');
  const times = await page
    .getByRole('table')
    .locator('tbody time')
    .evaluateAll((elements) => elements.map((element) => element.getAttribute('datetime') ?? ''));
  expect(times.length).toBeGreaterThan(3);
  expect(times).toEqual([...times].sort().reverse());

  // A value the list cannot take is named on its field, and the rest still works.
  await page.goto('/environments/dev/apis?state=gone&q=geo');
  await expect(page.getByRole('search').getByText(/^Invalid option/)).toBeVisible();
  await expect(rows.filter({ hasText: 'Geo Lookup' })).toHaveCount(1);
});
