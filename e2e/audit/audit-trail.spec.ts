import fs from 'node:fs';

import { expect, test } from '@playwright/test';

import { openApi, storageStateOf } from '../fixtures';

test.describe('the audit trail, as an organization admin', () => {
  test.use({ storageState: storageStateOf('admin') });

  test('filters by action and environment, shows an event’s diff, exports CSV and verifies', async ({
    page,
    browser,
  }) => {
    // Alice promotes DEV's Payments to QA and bob accepts: the event the admin will look for.
    const alice = await browser.newContext({ storageState: storageStateOf('alice') });
    const alicePage = await alice.newPage();
    await openApi(alicePage, 'dev', 'Payments');
    await alicePage.getByRole('button', { name: 'Promote' }).click();
    await alicePage.getByRole('dialog').getByLabel('QA', { exact: true }).check();
    await alicePage.getByRole('dialog').getByRole('button', { name: 'Request promotion' }).click();
    await alicePage.getByRole('link', { name: 'View request' }).click();
    await alicePage.waitForURL(/\/promotions\/[0-9a-f-]{36}$/);
    const promotionUrl = alicePage.url();
    await alice.close();
    const bob = await browser.newContext({ storageState: storageStateOf('bob') });
    const bobPage = await bob.newPage();
    await bobPage.goto(promotionUrl);
    await bobPage.getByRole('button', { name: 'Approve', exact: true }).click();
    await bobPage.getByRole('dialog').getByRole('button', { name: 'Approve', exact: true }).click();
    await expect(bobPage.getByText(/^Approved, and the policy is met/)).toBeVisible();
    await bob.close();

    await page.goto('/');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit trail' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Audit trail' })).toBeVisible();

    // The header's environment switcher is labelled "Environment" too: look inside the filters.
    const filters = page.getByRole('form', { name: 'Filters' });
    await filters.getByLabel('Action').selectOption({ label: 'Promotion accepted' });
    await filters.getByLabel('Environment').selectOption({ label: 'QA' });
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL(/[?&]action=promotion\.accepted/);
    await expect(page).toHaveURL(/[?&]environment=qa/);
    const rows = page.getByRole('table').getByRole('row');
    await expect(rows.nth(1)).toContainText('Promotion accepted');
    for (const row of await rows.all()) {
      if ((await row.getByRole('columnheader').count()) > 0) continue;
      await expect(row).toContainText('Promotion accepted');
      await expect(row).toContainText('QA');
    }

    const bobsRow = rows.filter({ hasText: 'Bob Approver' }).first();
    await bobsRow.getByRole('link', { name: /^Event \d+$/ }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Promotion accepted');
    const changes = page.getByRole('region', { name: 'Changes' });
    const statusRow = changes.getByRole('row', { name: /^status/ });
    await expect(statusRow).toContainText('pending');
    await expect(statusRow).toContainText('accepted');
    await expect(changes.getByRole('row', { name: /^result/ })).toContainText('"action"');
    await page.goBack();

    const downloadPromise = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Export CSV' }).click();
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toMatch(/^stageway-audit-.*\.csv$/);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    const [header, ...lines] = csv.trimEnd().split('\r\n');
    expect(header).toContain('seq,occurred_at,actor_type');
    expect(lines.length).toBeGreaterThan(0);
    // The export holds the filter: only accepted promotions into QA.
    for (const line of lines.filter((candidate) => /^"\d+"/.test(candidate)))
      expect(line).toContain('"promotion.accepted"');

    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(page.getByTestId('verify-result')).toContainText(/Intact up to event \d+/);
  });
});

test.describe('who may read which trail', () => {
  test('bob reads QA’s trail, and DEV’s is 404 for him', async ({ browser }) => {
    const context = await browser.newContext({ storageState: storageStateOf('bob') });
    const page = await context.newPage();
    await page.goto('/audit');
    await expect(
      page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit trail' }),
    ).toBeVisible();
    await expect(page.getByRole('heading', { level: 1, name: 'Audit trail' })).toBeVisible();
    await expect(
      page.getByRole('form', { name: 'Filters' }).getByLabel('Environment').locator('option'),
    ).toHaveText(['Any', 'QA']);
    expect((await page.goto('/audit?environment=dev'))?.status()).toBe(404);
    expect((await page.request.get('/api/v1/audit/export?format=csv&environment=dev')).status()).toBe(404);
    // Verifying covers the whole organization's trail: not for an environment's reader.
    await expect(page.getByRole('button', { name: 'Verify' })).toHaveCount(0);
    expect((await page.request.get('/api/v1/audit/verify')).status()).toBe(403);

    // The API page links to the API's own history.
    await openApi(page, 'qa', 'Payments');
    await page.getByRole('link', { name: 'Audit history' }).click();
    await expect(page).toHaveURL(/\/audit\?api=/);
    await expect(page.getByText(/^API: Payments \(QA\)/)).toBeVisible();
    await context.close();
  });

  for (const user of ['alice', 'dave'] as const) {
    test(`${user} holds no AUDIT:READ: no nav entry, and the trail is 404`, async ({ browser }) => {
      const context = await browser.newContext({ storageState: storageStateOf(user) });
      const page = await context.newPage();
      await page.goto('/');
      await expect(
        page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'APIs' }),
      ).toBeVisible();
      await expect(page.getByRole('link', { name: 'Audit trail' })).toHaveCount(0);
      expect((await page.goto('/audit'))?.status()).toBe(404);
      const verify = await page.request.get('/api/v1/audit/verify');
      expect(verify.status()).toBe(404);
      expect(verify.headers()['content-type']).toContain('application/problem+json');
      await context.close();
    });
  }
});

test.describe('the audit REST endpoints', () => {
  test('refuse the signed-out and bad input with problem+json, and stream NDJSON', async ({ browser }) => {
    const anonymous = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const refused = await anonymous.request.get('/api/v1/audit/verify');
    expect(refused.status()).toBe(401);
    expect(await refused.json()).toMatchObject({ status: 401, title: 'Authentication required' });
    await anonymous.close();

    const admin = await browser.newContext({ storageState: storageStateOf('admin') });
    const badFormat = await admin.request.get('/api/v1/audit/export?format=xlsx');
    expect(badFormat.status()).toBe(400);
    expect(badFormat.headers()['content-type']).toContain('application/problem+json');
    const badFilter = await admin.request.get('/api/v1/audit/export?format=csv&from=yesterday');
    expect(badFilter.status()).toBe(400);
    expect(await badFilter.json()).toMatchObject({
      errors: { from: [expect.stringContaining('Not a date')] },
    });

    const ndjson = await admin.request.get('/api/v1/audit/export?format=ndjson&action=auth.signed_in');
    expect(ndjson.status()).toBe(200);
    const events = (await ndjson.text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(event).toMatchObject({ action: 'auth.signed_in', outcome: 'success' });

    const verified = await admin.request.get('/api/v1/audit/verify');
    expect(await verified.json()).toMatchObject({ isIntact: true, firstBreak: null });
    await admin.close();
  });
});
