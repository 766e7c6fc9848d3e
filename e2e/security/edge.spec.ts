import { expect, test } from '@playwright/test';

import { storageStateOf } from '../fixtures';

/** Issue 8 #4 and #5: what the edge refuses before any route runs, and the headers on every answer. */

test('malformed percent-escapes are a 400, as problem+json under /api and a page elsewhere', async ({
  request,
}) => {
  const api = await request.get('/api/v1/apis/%ff%fe');
  expect(api.status()).toBe(400);
  expect(api.headers()['content-type']).toContain('application/problem+json');
  expect(await api.json()).toMatchObject({ status: 400, detail: expect.stringContaining('malformed') });
  const page = await request.get('/environments/%ff%fe/apis');
  expect(page.status()).toBe(400);
  expect(await page.text()).toContain('Back to Stageway');
});

test.describe('as alice', () => {
  test.use({ storageState: storageStateOf('alice') });

  test('a server action posted from another site is refused with 403', async ({ page }) => {
    await page.goto('/settings/tokens');
    const response = await page.request.post('/settings/tokens', {
      headers: { 'next-action': 'abc123', origin: 'https://evil.example', 'content-type': 'text/plain' },
      data: '[]',
    });
    expect(response.status()).toBe(403);
  });

  test('every answer carries the security headers, and the console works under its policy', async ({
    page,
  }) => {
    const response = await page.goto('/environments/dev/apis');
    const headers = response!.headers();
    expect(headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(headers['strict-transport-security']).toBeUndefined(); // plain http here
    const api = await page.request.get('/api/v1/environments');
    expect(api.headers()['x-content-type-options']).toBe('nosniff');
    const secure = await page.request.get('/login', { headers: { 'x-forwarded-proto': 'https' } });
    expect(secure.headers()['strict-transport-security']).toContain('max-age=');
    // Scripts ran under the policy: the client-side task badge and the Promote dialog work.
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.getByRole('link', { name: 'Payments', exact: true }).click();
    await page.getByRole('button', { name: 'Promote' }).click();
    await expect(page.getByRole('dialog')).toBeVisible();
    expect(violations).toEqual([]);
  });

  test('a client’s request id is kept only when short and plain', async ({ page }) => {
    const plain = await page.request.get('/api/v1/environments', {
      headers: { 'x-request-id': 'ci-run-42' },
    });
    expect(plain.headers()['x-request-id']).toBe('ci-run-42');
    const hostile = await page.request.get('/api/v1/environments', {
      headers: { 'x-request-id': '<script>alert(1)</script>' + 'x'.repeat(200) },
    });
    expect(hostile.headers()['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
