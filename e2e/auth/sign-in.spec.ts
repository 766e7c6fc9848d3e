import { expect, test } from '@playwright/test';

import { signIn } from '../fixtures';

test('signs in and out', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2F$/);
  await signIn(page, 'alice@example.com');
  await expect(page).toHaveURL(/\/environments\/dev\/apis$/);
  await expect(page.getByRole('heading', { name: 'APIs in DEV' })).toBeVisible();

  await page.getByRole('button', { name: 'User menu' }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto('/environments/dev/apis');
  await expect(page).toHaveURL(/\/login\?callbackUrl=/);
});

test('a wrong password says so without telling whether the email exists', async ({ page }) => {
  await page.goto('/login');
  await signIn(page, 'alice@example.com', 'not-the-password');
  await expect(page.getByText('Wrong email or password.')).toBeVisible();
  await expect(page.getByLabel('Email')).toHaveValue('alice@example.com');
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByLabel('Password')).toHaveValue('');

  await signIn(page, 'nobody@example.com', 'not-the-password');
  await expect(page.getByText('Wrong email or password.')).toBeVisible();
});

test('a signed-out visit comes back to the page it asked for after signing in', async ({ page }) => {
  await page.goto('/environments/qa/apis');
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fenvironments%2Fqa%2Fapis/);
  await signIn(page, 'bob@example.com');
  await expect(page).toHaveURL(/\/environments\/qa\/apis$/);
  await expect(page.getByRole('heading', { name: 'APIs in QA' })).toBeVisible();
});

test('the session cookie is HttpOnly and SameSite=Lax', async ({ page, context }) => {
  await page.goto('/login');
  await signIn(page, 'carol@example.com');
  await expect(page.getByRole('button', { name: 'User menu' })).toBeVisible();
  const session = (await context.cookies()).find((cookie) => cookie.name.includes('session-token'));
  expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
});

test('a callback URL cannot send the user to another site', async ({ page }) => {
  await page.goto('/login?callbackUrl=https%3A%2F%2Fevil.example.com%2F');
  await signIn(page, 'dave@example.com');
  await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/environments\/qa\/apis$/);
});

test('repeated failures from one client are refused for a while, in the form and with a 429', async ({
  browser,
}) => {
  // A client address of its own, so that locking it out does not lock out the other tests.
  const context = await browser.newContext({
    storageState: { cookies: [], origins: [] },
    extraHTTPHeaders: { 'x-forwarded-for': `203.0.113.${Math.floor(Math.random() * 200) + 20}` },
  });
  const page = await context.newPage();
  await page.goto('/login');
  for (let attempt = 1; attempt <= 5; attempt++) {
    await signIn(page, 'frank@example.com', `wrong-${attempt}`);
    await expect(page.getByText('Wrong email or password.')).toBeVisible();
    // React resets the form after each answer: wait for it, or it would clear the next attempt.
    await expect(page.getByLabel('Password')).toHaveValue('');
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  }
  await signIn(page, 'frank@example.com');
  await expect(page.getByText('Too many failed sign-ins: wait a little, then try again.')).toBeVisible();
  await expect(page).toHaveURL(/\/login/);

  const csrf = (await (await context.request.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const refused = await context.request.post('/api/auth/callback/credentials', {
    form: { csrfToken: csrf.csrfToken, email: 'frank@example.com', password: 'stageway-demo' },
    maxRedirects: 0,
  });
  expect(refused.status()).toBe(429);
  expect(Number(refused.headers()['retry-after'])).toBeGreaterThan(0);
  expect(refused.headers()['content-type']).toContain('application/problem+json');
  await context.close();
});
