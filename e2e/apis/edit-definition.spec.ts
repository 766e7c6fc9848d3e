import { expect, test, type Page, type Request } from '@playwright/test';

import { openApi, storageStateOf } from '../fixtures';

async function currentRevision(page: Page): Promise<number> {
  const text = await page.getByText(/^Revision \d+ · changed/).textContent();
  return Number(/Revision (\d+)/.exec(text ?? '')?.[1]);
}

test.describe('as alice, owner of the DEV APIs', () => {
  test.use({ storageState: storageStateOf('alice') });

  test('edits a definition and sees the new revision', async ({ page }) => {
    await openApi(page, 'dev', 'Notifications');
    const before = await currentRevision(page);
    await page.getByRole('link', { name: 'Edit definition' }).click();

    const version = `0.9.${Date.now() % 100_000}`;
    await page.getByLabel('Version').fill(version);
    await page.getByLabel('Change message').fill('Bump version for the e2e test');
    await page.getByRole('button', { name: 'Save revision' }).click();

    await expect(page.getByText(`Saved as revision ${before + 1}.`)).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toContainText(`v${version}`);
    const history = page.getByRole('region', { name: 'Revision history' });
    await expect(history.getByRole('listitem').first()).toContainText(`Revision ${before + 1}`);
    await expect(history.getByRole('listitem').first()).toContainText('Bump version for the e2e test');

    await history.getByRole('link', { name: `Revision ${before}`, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText(`Revision ${before}`);
    await expect(page.getByRole('heading', { level: 1 })).not.toContainText(version);
  });

  test('invalid input is refused field by field and nothing is saved', async ({ page }) => {
    await openApi(page, 'dev', 'Geo Lookup');
    const before = await currentRevision(page);
    await page.getByRole('link', { name: 'Edit definition' }).click();

    await page.getByLabel('Context path').fill('geo lookup');
    await page.getByLabel('Version').fill('');
    // CodeMirror draws only the lines in view: the whole text is in the form's hidden field.
    const parts = page.getByRole('textbox', { name: /Endpoints, plans, flows/ });
    const json = JSON.parse(await page.locator('input[type="hidden"][name="parts"]').inputValue());
    json.endpoints[0].target = 'not a url';
    json.plans.push({ name: 'Broken', security: 'PASSWORD' });
    await parts.fill(JSON.stringify(json, null, 2));
    // CodeMirror takes typed text in on its next frame: save what is in the form, not what was there.
    await expect(page.locator('input[type="hidden"][name="parts"]')).toHaveValue(/not a url/);
    await page.getByRole('button', { name: 'Save revision' }).click();

    await expect(page.getByText('The definition is invalid: nothing was saved.')).toBeVisible();
    await expect(page.getByText(/^Must start with \//)).toBeVisible();
    // Listed by path after the save (the editor lists it too, by line and column, as "Line …").
    await expect(page.getByText(/^endpoints\.0\.target: Must be an http\(s\) URL/)).toBeVisible();
    await expect(page.getByText(/^plans\.\d+\.security: One of KEYLESS/)).toBeVisible();
    // What the user typed is still there to fix.
    await expect(page.getByLabel('Context path')).toHaveValue('geo lookup');

    await parts.fill('{ not json');
    await expect(page.locator('input[type="hidden"][name="parts"]')).toHaveValue('{ not json');
    await page.getByLabel('Context path').fill('/geo');
    await page.getByLabel('Version').fill('1.2.2');
    await page.getByRole('button', { name: 'Save revision' }).click();
    await expect(page.getByText(/^Not valid JSON/)).toBeVisible();

    await openApi(page, 'dev', 'Geo Lookup');
    expect(await currentRevision(page)).toBe(before);
  });
});

test.describe('the save action refuses at the server', () => {
  test.use({ storageState: storageStateOf('bob') });

  test('a direct request to the server action by a user without DEFINITION:UPDATE changes nothing', async ({
    page,
    browser,
  }) => {
    // Bob (approver in QA) may edit QA's Customer Accounts. Capture his save request without sending it.
    await openApi(page, 'qa', 'Customer Accounts');
    const before = await currentRevision(page);
    await page.getByRole('link', { name: 'Edit definition' }).click();
    await page.getByLabel('Version').fill(`1.4.${Date.now() % 100_000}`);
    let captured: Request | undefined;
    await page.route('**/edit', async (route) => {
      if (route.request().method() === 'POST' && route.request().headers()['next-action']) {
        captured = route.request();
        await route.abort();
      } else {
        await route.continue();
      }
    });
    await page.getByRole('button', { name: 'Save revision' }).click();
    await expect.poll(() => captured).toBeDefined();
    const request = captured!;
    const replay = (context: { request: import('@playwright/test').APIRequestContext }) =>
      context.request.post(request.url(), {
        headers: {
          'next-action': request.headers()['next-action']!,
          'content-type': request.headers()['content-type']!,
          accept: 'text/x-component',
        },
        data: request.postDataBuffer()!,
        maxRedirects: 0,
      });

    // Dave (publisher in QA) sees the API but may not change it: the same request, with his session.
    const dave = await browser.newContext({ storageState: storageStateOf('dave') });
    const refused = await replay(dave);
    expect(await refused.text()).toContain('You may not change the definition of this API.');
    await dave.close();

    // Signed out: refused too. (browser.newContext() would inherit bob's storage state from `use`.)
    const anonymous = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    expect(await (await replay(anonymous)).text()).toContain('Your session has ended');
    await anonymous.close();

    await page.unroute('**/edit');
    await openApi(page, 'qa', 'Customer Accounts');
    expect(await currentRevision(page)).toBe(before);

    // The captured request was a valid save: replayed with bob's own session, it does save.
    await replay(page.context());
    await openApi(page, 'qa', 'Customer Accounts');
    expect(await currentRevision(page)).toBe(before + 1);
  });

  test('the edit page is 404 for those who may not edit', async ({ browser }) => {
    const dave = await browser.newContext({ storageState: storageStateOf('dave') });
    const page = await dave.newPage();
    await openApi(page, 'qa', 'Payments');
    await expect(page.getByRole('link', { name: 'Edit definition' })).toHaveCount(0);
    const response = await page.goto(page.url() + '/edit');
    expect(response?.status()).toBe(404);
    await dave.close();
  });
});
