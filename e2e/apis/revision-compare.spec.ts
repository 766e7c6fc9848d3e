import { expect, test } from '@playwright/test';

import { openApi, storageStateOf } from '../fixtures';

test.use({ storageState: storageStateOf('alice') });

test('alice compares any two revisions of an API side by side, as a structured diff', async ({ page }) => {
  await openApi(page, 'dev', 'Product Catalog');
  const apiUrl = page.url();

  // A new revision: another version and description.
  await page.getByRole('link', { name: 'Edit definition' }).click();
  const oldVersion = await page.getByLabel('Version').inputValue();
  const oldDescription = await page.getByLabel('Description').inputValue();
  const version = `3.${Date.now() % 100_000}.0`;
  await page.getByLabel('Version').fill(version);
  await page.getByLabel('Description').fill('Compared by the e2e test.');
  await page.getByLabel('Change message').fill('For the comparison');
  await page.getByRole('button', { name: 'Save revision' }).click();
  await expect(page.getByText(/^Saved as revision \d+\.$/)).toBeVisible();

  // From the history: what this revision changed, before and after.
  await page.goto(apiUrl);
  await page.getByRole('link', { name: 'Compare revisions' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Compare revisions' })).toBeVisible();
  const general = page.getByRole('region', { name: /^Changes to Name, version/ });
  await expect(general.getByRole('row', { name: /^version/ })).toContainText(oldVersion);
  await expect(general.getByRole('row', { name: /^version/ })).toContainText(version);
  await expect(general.getByRole('row', { name: /^description/ })).toContainText(oldDescription.slice(0, 20));
  await expect(general.getByRole('row', { name: /^description/ })).toContainText('Compared by the e2e test.');

  // Any two: the first revision against the newest, chosen in the form (it works without JavaScript too).
  const form = page.getByRole('form', { name: 'Revisions to compare' });
  await form.getByLabel('From revision').selectOption('1');
  await form.getByRole('button', { name: 'Compare' }).click();
  await expect(page).toHaveURL(/from=1&to=\d+/);
  await expect(page.getByRole('heading', { level: 2, name: /^Revision 1 .* → Revision \d+/ })).toBeVisible();

  // The same on both sides says so; a revision that is not there, or not a number, is a 404.
  await page.goto(`${apiUrl}/compare?from=1&to=1`);
  await expect(page.getByText('The same revision on both sides')).toBeVisible();
  expect((await page.goto(`${apiUrl}/compare?from=abc`))?.status()).toBe(404);
  expect((await page.goto(`${apiUrl}/compare?from=1&to=99999`))?.status()).toBe(404);
});
