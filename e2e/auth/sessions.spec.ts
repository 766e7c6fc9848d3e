import { expect, test, type Request } from '@playwright/test';

import { signIn } from '../fixtures';

/**
 * Issue 8 #2: a cookie saved before its session ended is refused by pages, server actions and REST.
 * (Every way a session ends is covered over REST in test/rest/sessions.test.ts.)
 */

test('after signing out, a saved cookie opens no page, runs no action and reads no API', async ({
  browser,
}) => {
  const signedIn = await browser.newContext();
  const page = await signedIn.newPage();
  await page.goto('/login');
  await signIn(page, 'erin@example.com');
  await expect(page.getByRole('button', { name: 'User menu' })).toBeVisible();
  const saved = await signedIn.storageState();

  // Capture a server action (creating a token) without letting it through.
  await page.goto('/settings/tokens');
  let captured: Request | undefined;
  await page.route('**/settings/tokens', async (route) => {
    if (route.request().method() === 'POST' && route.request().headers()['next-action']) {
      captured = route.request();
      await route.abort();
    } else {
      await route.continue();
    }
  });
  await page.getByLabel('Name').fill('replayed-after-sign-out');
  await page.getByRole('button', { name: /Create/ }).click();
  await expect.poll(() => captured).toBeDefined();
  await page.unroute('**/settings/tokens');

  // Sessions page: this one is listed as the current session.
  await page.goto('/settings/sessions');
  await expect(page.getByRole('list', { name: 'Active sessions' })).toContainText('this session');

  await page.getByRole('button', { name: 'User menu' }).click();
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);

  // The same cookie, replayed from elsewhere.
  const replay = await browser.newContext({ storageState: saved });
  const stolen = await replay.newPage();
  await stolen.goto('/environments/dev/apis');
  await expect(stolen).toHaveURL(/\/login\?callbackUrl=/);
  const api = await stolen.request.get('/api/v1/environments');
  expect(api.status()).toBe(401);
  const action = await stolen.request.post(captured!.url(), {
    headers: {
      'next-action': captured!.headers()['next-action']!,
      'content-type': captured!.headers()['content-type']!,
      accept: 'text/x-component',
    },
    data: captured!.postDataBuffer()!,
  });
  expect(await action.text()).toContain('Your session has ended. Sign in again.');
  await replay.close();
  await signedIn.close();
});
