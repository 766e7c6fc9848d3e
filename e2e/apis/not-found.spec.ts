import { expect, test } from '@playwright/test';

import { storageStateOf } from '../fixtures';

test.describe('the app’s own 404 pages, as alice', () => {
  test.use({ storageState: storageStateOf('alice') });

  test('inside the console: 404, the console frame, exactly one <main>', async ({ page }) => {
    for (const path of ['/promotions/00000000-0000-4000-8000-000000000000', '/environments/nowhere/apis']) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(404);
      await expect(page.getByRole('heading', { level: 1, name: 'Not found' })).toBeVisible();
      await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
      await expect(page.getByRole('main')).toHaveCount(1);
    }
  });

  test('an address that matches no page: 404 with exactly one <main>', async ({ page }) => {
    const response = await page.goto('/no/such/page');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1, name: 'Not found' })).toBeVisible();
    await expect(page.getByRole('main')).toHaveCount(1);
  });
});
