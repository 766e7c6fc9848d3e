import { expect, test } from '@playwright/test';

import { storageStateOf } from '../fixtures';

test.use({ storageState: storageStateOf('alice') });

test('the API reference lists every operation, the dialects too, without failing', async ({ page }) => {
  const response = await page.goto('/api-docs');
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { name: 'Operations' })).toBeVisible();
  await expect(page.locator('#listPromotions')).toBeVisible();
  // The dialects' paths carry their own `servers`: they are listed by their operations, not crash the page.
  await expect(page.getByText('/repos/{namespace}/{name}/builds/{number}/promote').first()).toBeVisible();
});
