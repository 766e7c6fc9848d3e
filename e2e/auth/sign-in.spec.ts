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
