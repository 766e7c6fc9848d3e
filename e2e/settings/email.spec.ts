import { expect, test } from '@playwright/test';

import { storageStateOf } from '../fixtures';

test.use({ storageState: storageStateOf('dave') });

test('the email choice, from the user menu: saved, and kept on the next visit', async ({ page }) => {
  await page.goto('/environments/qa/apis');
  await page.getByRole('button', { name: 'User menu' }).click();
  await page.getByRole('link', { name: 'Email' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Email' })).toBeVisible();
  // This server has no SMTP_URL: the page says so.
  await expect(page.getByText(/sends no email yet/)).toBeVisible();
  await expect(page.getByLabel(/^Everything/)).toBeChecked();

  await page.getByLabel('Only news of my own requests (approvals and outcomes)').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved: only news of my own requests (approvals and outcomes).')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Only news of my own requests (approvals and outcomes)')).toBeChecked();
});
