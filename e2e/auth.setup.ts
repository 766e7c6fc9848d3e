import { expect, test as setup } from '@playwright/test';

import { demoUsers, signIn, storageStateOf } from './fixtures';

for (const user of demoUsers) {
  setup(`sign in as ${user}`, async ({ page }) => {
    await page.goto('/login');
    await signIn(page, `${user}@example.com`);
    await expect(page.getByRole('button', { name: 'User menu' })).toBeVisible();
    await page.context().storageState({ path: storageStateOf(user) });
  });
}
