import { expect, test } from '@playwright/test';

import { storageStateOf } from '../fixtures';

test.describe('as the admin', () => {
  test.use({ storageState: storageStateOf('admin') });

  test("an environment's webhook: a private address is refused with the text kept; the secret is shown once; edited and re-keyed", async ({
    page,
  }) => {
    await page.goto('/environments/qa/policy');
    await page.getByRole('link', { name: 'Webhooks of QA' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Webhooks of QA' })).toBeVisible();

    const url = page.getByLabel('Payload URL');
    await url.fill('http://127.0.0.1:9/hook');
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await expect(page.getByText(/Webhooks cannot reach loopback or private network addresses/)).toBeVisible();
    await expect(url).toHaveValue('http://127.0.0.1:9/hook');

    const address = `https://hooks.example.com/qa-${Date.now().toString(36)}`;
    await url.fill(address);
    await page.getByLabel(/promotion\.approved/).uncheck();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const secret = page.getByRole('textbox', { name: 'Signing secret' });
    await expect(secret).toHaveValue(/^whsec_[\w-]{43}$/);
    const first = await secret.inputValue();
    await expect(page.getByText('it will not be shown again')).toBeVisible();

    await page.getByRole('link', { name: address }).click();
    await expect(page.getByRole('heading', { level: 1, name: address })).toBeVisible();
    await expect(page.getByLabel(/promotion\.approved/)).not.toBeChecked();
    await expect(page.getByLabel(/promotion\.accepted/)).toBeChecked();
    await expect(page.getByText('Nothing sent yet.')).toBeVisible();
    // Off, so the QA webhook left for the accessibility check never sends anything.
    await page.getByLabel('Active (deliveries are sent)').uncheck();
    await page.getByRole('button', { name: 'Save webhook' }).click();
    await expect(page.getByText(`Webhook to ${address} saved.`)).toBeVisible();
    await page.reload();
    await expect(page.getByLabel('Active (deliveries are sent)')).not.toBeChecked();
    // Nowhere on the page after creation.
    expect(await page.content()).not.toContain(first);

    await page.getByRole('button', { name: 'Replace the secret' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Replace the secret' }).click();
    const second = page.getByRole('textbox', { name: 'New signing secret' });
    await expect(second).toHaveValue(/^whsec_/);
    expect(await second.inputValue()).not.toBe(first);
  });
});

test.describe('as alice', () => {
  test.use({ storageState: storageStateOf('alice') });

  test('her own webhook, from the user menu: added, listed, deleted', async ({ page }) => {
    await page.goto('/environments/dev/apis');
    await page.getByRole('button', { name: 'User menu' }).click();
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Your webhooks' })).toBeVisible();

    const address = `https://hooks.example.com/alice-${Date.now().toString(36)}`;
    await page.getByLabel('Payload URL').fill(address);
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await expect(page.getByRole('textbox', { name: 'Signing secret' })).toHaveValue(/^whsec_/);
    await page.getByRole('link', { name: address }).click();
    await page.getByRole('button', { name: 'Delete webhook' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete webhook' }).click();
    await expect(page).toHaveURL(/\/settings\/webhooks$/);
    await expect(page.getByRole('link', { name: address })).toHaveCount(0);
  });
});
