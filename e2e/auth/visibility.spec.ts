import { expect, test } from '@playwright/test';

import { storageStateOf, type DemoUser } from '../fixtures';

// The environment switcher lists exactly the environments each user holds a role in, by installation.
const expected: Record<DemoUser, Record<string, string[]>> = {
  admin: { Development: ['DEV', 'QA'], Production: ['DEMO', 'PROD'] },
  alice: { Development: ['DEV'] },
  bob: { Development: ['QA'] },
  carol: { Production: ['DEMO', 'PROD'] },
  dave: { Development: ['QA'] },
  grace: { Production: ['DEMO'] },
};

for (const [user, groups] of Object.entries(expected) as [DemoUser, Record<string, string[]>][]) {
  test.describe(user, () => {
    test.use({ storageState: storageStateOf(user) });

    test('sees exactly their environments and gets 404 elsewhere', async ({ page }) => {
      await page.goto('/');
      const switcher = page.getByLabel('Environment');
      const listed: Record<string, string[]> = {};
      for (const group of await switcher.locator('optgroup').all()) {
        listed[(await group.getAttribute('label'))!] = await group.locator('option').allTextContents();
      }
      expect(listed).toEqual(groups);

      const visible = Object.values(groups).flat();
      for (const name of ['DEV', 'QA', 'DEMO', 'PROD'].filter((candidate) => !visible.includes(candidate))) {
        const response = await page.goto(`/environments/${name.toLowerCase()}/apis`);
        expect(response?.status(), `${user} on ${name}`).toBe(404);
      }
    });
  });
}

test.describe('switching environments', () => {
  test.use({ storageState: storageStateOf('admin') });

  test('the switcher moves between environments', async ({ page }) => {
    await page.goto('/environments/dev/apis');
    await page.getByLabel('Environment').selectOption({ label: 'QA' });
    await expect(page).toHaveURL(/\/environments\/qa\/apis$/);
    await expect(page.getByRole('heading', { name: 'APIs in QA' })).toBeVisible();
    await expect(page.getByRole('row')).toHaveCount(3);
  });
});
