import { expect, test, type Browser, type Page } from '@playwright/test';

import { storageStateOf, type DemoUser } from '../fixtures';

async function pageAs(browser: Browser, user: DemoUser): Promise<Page> {
  const context = await browser.newContext({ storageState: storageStateOf(user) });
  return context.newPage();
}

const tokenRow = (page: Page, name: string) =>
  page.getByRole('table', { name: 'API tokens' }).getByRole('row').filter({ hasText: name });

test('alice creates a token, sees it once, finds it by prefix, revokes it; bob never sees it', async ({
  browser,
}) => {
  const alice = await pageAs(browser, 'alice');
  await alice.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  const name = `ci-deploy-${Date.now().toString(36)}`;

  await alice.goto('/');
  await alice.getByRole('button', { name: 'User menu' }).click();
  await alice.getByRole('link', { name: 'API tokens' }).click();
  await expect(alice.getByRole('heading', { level: 1, name: 'API tokens' })).toBeVisible();

  await alice.getByLabel('Name').fill(name);
  const expiry = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  await alice.getByLabel('Expiry date (optional)').fill(expiry);
  await alice.getByRole('button', { name: 'Create token' }).click();

  // Shown once, with the warning and a working copy button.
  await expect(alice.getByText(`Copy the token “${name}” now: it will not be shown again.`)).toBeVisible();
  const shown = alice.getByRole('textbox', { name: 'New token' });
  await expect(shown).toHaveValue(/^stw_[A-Za-z0-9_-]{43}$/);
  const token = await shown.inputValue();
  await alice.getByRole('button', { name: 'Copy' }).click();
  await expect(alice.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await alice.evaluate(() => navigator.clipboard.readText())).toBe(token);

  // Listed by its prefix, active, never used, with its expiry.
  const row = tokenRow(alice, name);
  await expect(row).toContainText(`${token.slice(0, 12)}…`);
  await expect(row).toContainText('Active');
  await expect(row).toContainText('Never');
  await expect(row.locator(`time[datetime^="${expiry}"]`)).toBeVisible();

  // A second token with the same name is refused on the field.
  await alice.getByLabel('Name').fill(name);
  await alice.getByRole('button', { name: 'Create token' }).click();
  await expect(alice.getByText(`An active token named "${name}" already exists`)).toBeVisible();
  await expect(alice.getByLabel('Name')).toHaveValue(name);

  // After a reload the token itself is gone for good.
  await alice.reload();
  await expect(tokenRow(alice, name)).toContainText(token.slice(0, 12));
  await expect(alice.getByRole('textbox', { name: 'New token' })).toHaveCount(0);
  await expect(alice.locator('body')).not.toContainText(token);

  // Revoke, confirmed in a dialog.
  await tokenRow(alice, name)
    .getByRole('button', { name: `Revoke ${name}` })
    .click();
  const dialog = alice.getByRole('dialog', { name: `Revoke the token "${name}"?` });
  await expect(dialog).toContainText('This cannot be undone.');
  await dialog.getByRole('button', { name: 'Revoke token' }).click();
  await expect(dialog).toBeHidden();
  await expect(alice.getByText(`Token "${name}" revoked: it no longer works.`)).toBeVisible();
  await expect(tokenRow(alice, name)).toContainText('Revoked');
  await expect(tokenRow(alice, name).getByRole('button', { name: /Revoke/ })).toHaveCount(0);

  // Another user's page does not list it.
  const bob = await pageAs(browser, 'bob');
  await bob.goto('/settings/tokens');
  await expect(bob.getByRole('heading', { level: 1, name: 'API tokens' })).toBeVisible();
  await expect(bob.getByText(name)).toHaveCount(0);
});

test('an invalid name or expiry is refused with a message on the field', async ({ browser }) => {
  const dave = await pageAs(browser, 'dave');
  await dave.goto('/settings/tokens');
  await dave.getByRole('button', { name: 'Create token' }).click();
  await expect(dave.getByText('Required')).toBeVisible();

  await dave.getByLabel('Name').fill(`too-late-${Date.now().toString(36)}`);
  await dave.getByLabel('Expiry date (optional)').fill('2020-01-01');
  await dave.getByRole('button', { name: 'Create token' }).click();
  await expect(dave.getByText('The expiry must be in the future')).toBeVisible();
  await expect(dave.getByRole('textbox', { name: 'New token' })).toHaveCount(0);
});
