import { expect, test, type Page } from '@playwright/test';

import { expectAccessible, openApi, storageStateOf } from '../fixtures';

test.describe('as the organization admin', () => {
  test.use({ storageState: storageStateOf('admin') });

  test('creates an environment at a place in the lifecycle, moves it with the keyboard, and deletes it', async ({
    page,
  }) => {
    await page.goto('/');
    await page.getByRole('link', { name: 'Administration' }).click();
    await page
      .getByRole('navigation', { name: 'Administration' })
      .getByRole('link', { name: 'Environments' })
      .click();
    await expect(page.getByRole('heading', { name: 'Environments and installations' })).toBeVisible();
    await expectAccessible(page);

    const form = page.getByRole('form', { name: 'New environment' });
    await form.getByLabel('Key').fill('perf');
    await form.getByLabel('Name').fill('PERF');
    await form.getByLabel('Installation').selectOption({ label: 'Development' });
    await form.getByLabel('Place in the lifecycle').selectOption({ label: 'After DEV' });
    await form.getByRole('button', { name: 'Create environment' }).click();
    await expect(page.getByText('Environment created.')).toBeVisible();
    const development = page.getByRole('list', { name: 'Lifecycle of Development' });
    await expect(development.getByRole('listitem')).toHaveText([/DEV/, /PERF/, /QA/]);

    // The move buttons are buttons: Tab to one and press Enter.
    await development.getByRole('button', { name: 'Move PERF down' }).focus();
    await page.keyboard.press('Enter');
    await expect(development.getByRole('listitem')).toHaveText([/DEV/, /QA/, /PERF/]);

    // DEV holds APIs: the refusal says so. PERF holds nothing: it goes.
    await development.getByRole('button', { name: 'Delete DEV' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete DEV' }).click();
    await expect(page.getByRole('dialog').getByRole('alert')).toContainText(
      'DEV cannot be deleted: it holds',
    );
    await page.getByRole('dialog').getByRole('button', { name: 'Keep it' }).click();
    await development.getByRole('button', { name: 'Delete PERF' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete PERF' }).click();
    await expect(development.getByRole('listitem')).toHaveText([/DEV/, /QA/]);
  });

  test('sets PROD to accept promotions only from DEMO: alice sees PROD disabled with the reason', async ({
    page,
    browser,
  }) => {
    await page.goto('/environments/prod/policy');
    await expectAccessible(page);
    const policy = page.getByRole('form', { name: 'Policy of PROD' });
    await policy.getByLabel('Only from these environments:').check();
    await policy.getByLabel('DEMO', { exact: true }).check();
    await policy.getByRole('button', { name: 'Review and save' }).click();
    const review = page.getByRole('dialog', { name: 'Save these changes?' });
    await expect(review.getByRole('list', { name: 'Changes' })).toContainText('settings.allowedSources');
    await review.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText(/^Saved: the approval policy is at version \d+\./)).toBeVisible();

    try {
      const alice = await (await browser.newContext({ storageState: storageStateOf('alice') })).newPage();
      await openApi(alice, 'dev', 'Payments');
      await alice.getByRole('button', { name: 'Promote' }).click();
      const dialog = alice.getByRole('dialog');
      await expect(dialog.getByLabel('PROD', { exact: true })).toBeDisabled();
      await expect(dialog.getByText('PROD accepts promotions from DEMO only.')).toBeVisible();
    } finally {
      await page.goto('/environments/prod/policy');
      await page.getByRole('form', { name: 'Policy of PROD' }).getByLabel('From any environment').check();
      await page.getByRole('button', { name: 'Review and save' }).click();
      await page
        .getByRole('dialog', { name: 'Save these changes?' })
        .getByRole('button', { name: 'Save' })
        .click();
      await expect(page.getByText(/^Saved/)).toBeVisible();
    }
  });
});

test.describe('as anyone else', () => {
  test.use({ storageState: storageStateOf('bob') });

  test('administration is not there: no link, and 404', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('link', { name: 'Administration' })).toHaveCount(0);
    const response = await page.goto('/admin/environments');
    expect(response?.status()).toBe(404);
  });
});
