import { expect, test } from '@playwright/test';

import { storageStateOf } from '../fixtures';

test.use({ storageState: storageStateOf('alice') });

test('the API reference shows every operation with its schemas, and "Try it out" calls the API with a token', async ({
  page,
}) => {
  // A token of alice's own, made where users make them.
  await page.goto('/settings/tokens');
  await page.getByLabel('Name').fill(`api-docs-${Date.now().toString(36)}`);
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = await page.getByRole('textbox', { name: 'New token' }).inputValue();
  expect(token).toMatch(/^stw_/);

  const response = await page.goto('/api-docs');
  expect(response?.status()).toBe(200);
  const reference = page.locator('.swagger-ui');
  // Every operation, the dialects' too (their paths carry servers of their own). Swagger UI lays out
  // the whole document after loading; on a busy 2-core machine that took over 5 s.
  await expect(reference.locator('#operations-Promotions-listPromotions')).toBeVisible({ timeout: 20_000 });
  await expect(
    reference.getByText('/repos/{namespace}/{name}/builds/{number}/promote').first(),
  ).toBeVisible();
  // The schemas, with their fields.
  await reference.getByRole('button', { name: 'Schemas' }).click();
  await reference.locator('button:has(strong:text-is("DefinitionUpdate"))').click();
  await expect(reference.getByText('baseRevision').first()).toBeVisible();

  // Authorize with the token, then call GET /environments from the page.
  await reference.getByRole('button', { name: 'Authorize' }).first().click();
  await reference.getByRole('textbox', { name: 'auth-bearer-value' }).fill(token);
  await reference.getByRole('button', { name: 'Apply credentials' }).click();
  await reference.getByRole('button', { name: 'Close' }).first().click();
  // One main landmark on the page: the console's (Swagger UI's own is not one).
  await expect(page.getByRole('main')).toHaveCount(1);

  const operation = reference.locator('#operations-Environments-listEnvironments');
  await operation.locator('.opblock-summary-control').click();
  await operation.getByRole('button', { name: 'Try it out' }).click();
  await operation.getByRole('button', { name: 'Execute' }).click();
  const live = operation.locator('.live-responses-table');
  await expect(live.locator('tr.response .response-col_status')).toHaveText('200');
  await expect(live.getByText('"key": "dev"').first()).toBeVisible();
  // The request carried the token, as the curl example shows.
  await expect(operation.locator('.curl-command')).toContainText(`Authorization: Bearer ${token}`);
});

test('each problem type has its anchor, as the problems link to it', async ({ page }) => {
  await page.goto('/api-docs#problem-conflict');
  await expect(page.locator('#problem-conflict')).toContainText('409');
});
