import { expect, test, type Page } from '@playwright/test';

import { expectAccessible, seriousViolations, storageStateOf } from '../fixtures';

type Items = { items: { id: string; seq?: number }[] };

const baseURL = `http://127.0.0.1:${process.env.E2E_PORT}`;

/** Every console page, with real ids found over the REST API (as the organization admin). */
async function consolePages(page: Page): Promise<string[]> {
  const read = async (path: string) => (await (await page.request.get(`/api/v1${path}`)).json()) as Items;
  const [apis, promotions, audit, users, groups, webhooks] = await Promise.all([
    read('/environments/dev/apis?limit=1'),
    read('/promotions?limit=1'),
    read('/audit'),
    read('/users'),
    read('/groups'),
    read('/environments/qa/webhooks'),
  ]);
  const api = `/environments/dev/apis/${apis.items[0]!.id}`;
  return [
    '/environments/dev/apis',
    api,
    `${api}/edit`,
    `${api}/revisions/1`,
    `${api}/compare`,
    '/environments/prod/policy',
    '/tasks',
    // Run after the other specs (the admin project): their promotions are there to show.
    ...promotions.items.slice(0, 1).map((promotion) => `/promotions/${promotion.id}`),
    '/audit',
    `/audit/${audit.items[0]!.seq}`,
    '/settings/tokens',
    '/settings/webhooks',
    '/settings/email',
    '/environments/qa/webhooks',
    // Left by e2e/webhooks (turned off).
    ...webhooks.items.slice(0, 1).map((webhook) => `/webhooks/${webhook.id}`),
    '/settings/sessions',
    '/settings/password',
    '/api-docs',
    '/admin/users',
    `/admin/users/${users.items[0]!.id}`,
    '/admin/groups',
    `/admin/groups/${groups.items[0]!.id}`,
    '/admin/environments',
    // The app's own 404, inside the console.
    '/environments/dev/apis/00000000-0000-4000-8000-000000000000',
  ];
}

/** The page background's lightness, 0 (black) to 100 (white), as CSS Lab's L. */
const backgroundLightness = (page: Page) =>
  page.evaluate(() => {
    const colour = getComputedStyle(document.body).backgroundColor;
    const numbers = colour.match(/-?\d+(\.\d+)?/g)!.map(Number);
    // lab(L a b) from the oklch palette; rgb(r, g, b) elsewhere.
    return colour.startsWith('lab')
      ? numbers[0]!
      : ((numbers[0]! + numbers[1]! + numbers[2]!) / 3 / 255) * 100;
  });

for (const theme of ['light', 'dark'] as const) {
  test.describe(`${theme} mode`, () => {
    test.use({ storageState: storageStateOf('admin') });

    test('every console page has no serious or critical accessibility violation', async ({
      page,
      context,
    }) => {
      test.setTimeout(180_000);
      await context.addCookies([{ name: 'stageway-theme', value: theme, url: baseURL }]);
      // Every page is checked before failing, so one run lists all there is to fix.
      const violations: string[] = [];
      for (const path of await consolePages(page)) {
        await page.goto(path);
        await expect(page.getByRole('main')).toHaveCount(1);
        await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
        // Client components (the editor, the API reference) have drawn.
        await page.waitForLoadState('networkidle');
        violations.push(...(await seriousViolations(page)).map((violation) => `${path}: ${violation}`));
      }
      expect(violations).toEqual([]);
      // And the colours are the theme's: a light page, or a dark one.
      const lightness = await backgroundLightness(page);
      if (theme === 'dark') expect(lightness).toBeLessThan(20);
      else expect(lightness).toBeGreaterThan(90);
    });

    test('the sign-in page too', async ({ browser }) => {
      const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
      await context.addCookies([{ name: 'stageway-theme', value: theme, url: baseURL }]);
      const page = await context.newPage();
      await page.goto('/login');
      await expectAccessible(page);
      await context.close();
    });
  });
}

test.describe('the theme', () => {
  test.use({ storageState: storageStateOf('alice'), colorScheme: 'dark' });

  test('follows the system, and the user menu switches it at once and for the next visit', async ({
    page,
  }) => {
    await page.goto('/environments/dev/apis');
    // No choice made: the system's dark preference applies.
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'system');
    expect(await backgroundLightness(page)).toBeLessThan(20);

    await page.getByRole('button', { name: 'User menu' }).click();
    await page.getByRole('group', { name: 'Theme' }).getByRole('button', { name: 'Light' }).click();
    console.log(
      'DEBUG',
      await page.evaluate(() => [
        document.documentElement.dataset.theme,
        document.cookie,
        getComputedStyle(document.body).backgroundColor,
        getComputedStyle(document.documentElement).getPropertyValue('--color-slate-50'),
      ]),
    );
    expect(await backgroundLightness(page)).toBeGreaterThan(90);
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    expect(await backgroundLightness(page)).toBeGreaterThan(90);

    await page.getByRole('button', { name: 'User menu' }).click();
    await expect(
      page.getByRole('group', { name: 'Theme' }).getByRole('button', { name: 'Light' }),
    ).toHaveAttribute('aria-pressed', 'true');
    await page.getByRole('group', { name: 'Theme' }).getByRole('button', { name: 'System' }).click();
    expect(await backgroundLightness(page)).toBeLessThan(20);
  });
});
