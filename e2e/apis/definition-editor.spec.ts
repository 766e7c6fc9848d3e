import { expect, test, type Page } from '@playwright/test';

import { openApi, storageStateOf } from '../fixtures';

const editorName = /Endpoints, plans, flows/;

async function currentRevision(page: Page): Promise<number> {
  const text = await page.getByText(/^Revision \d+ · changed/).textContent();
  return Number(/Revision (\d+)/.exec(text ?? '')?.[1]);
}

/** The JSON part as the form will send it (CodeMirror draws only the lines in view). */
const partsOf = (page: Page) => page.locator('input[type="hidden"][name="parts"]').inputValue();

async function openEditor(page: Page, name: string) {
  await openApi(page, 'dev', name);
  await page.getByRole('link', { name: 'Edit definition' }).click();
  await expect(page.getByRole('textbox', { name: editorName })).toBeVisible();
}

test.describe('the definition editor, as alice', () => {
  test.use({ storageState: storageStateOf('alice') });

  test('shows a schema problem at its line and column as you type, and formats on demand', async ({
    page,
  }) => {
    await openEditor(page, 'Payments');
    const json = JSON.parse(await partsOf(page));
    json.endpoints[0].target = 'not a url';
    const text = JSON.stringify(json, null, 2);
    const lines = text.split('\n');
    const index = lines.findIndex((line) => line.includes('"target": "not a url"'));
    const column = lines[index]!.indexOf('"not a url"') + 1;

    await page.getByRole('textbox', { name: editorName }).fill(text);
    const problems = page.getByRole('list', { name: 'Problems in the JSON' });
    await expect(problems).toContainText(
      `Line ${index + 1}, column ${column}: endpoints.0.target: Must be an http(s) URL`,
    );
    // Marked in the gutter and underlined at its place too.
    await expect(page.locator('.cm-lint-marker-error').first()).toBeVisible();
    await expect(page.locator('.cm-lintRange-error').first()).toContainText('not a url');

    // Format turns one-line JSON into indented JSON.
    await page.getByRole('textbox', { name: editorName }).fill(JSON.stringify(JSON.parse(text)));
    await expect.poll(async () => (await partsOf(page)).split('\n').length).toBe(1);
    await page.getByRole('button', { name: 'Format' }).click();
    await expect.poll(() => partsOf(page)).toBe(text);
  });

  test('every problem is listed at once on save: an empty name and unreadable JSON', async ({ page }) => {
    await openEditor(page, 'Payments');
    const before = await partsOf(page);
    await page.getByLabel('Name').fill('');
    await page.getByRole('textbox', { name: editorName }).fill('');
    await expect.poll(() => partsOf(page)).toBe('');
    await page.getByRole('button', { name: 'Save revision' }).click();
    await expect(page.getByText('The definition is invalid: nothing was saved.')).toBeVisible();
    await expect(page.getByText('Required', { exact: true })).toBeVisible();
    await expect(page.getByText(/^Not valid JSON/)).toBeVisible();
    expect(before.length).toBeGreaterThan(0);
  });

  test('a definition over the size limit is not sent: the form names the limit and keeps the text', async ({
    page,
  }) => {
    await openEditor(page, 'Payments');
    const json = JSON.parse(await partsOf(page));
    json.pages.push({ title: `Huge ${Date.now()}`, content: 'x'.repeat(2 * 1024 * 1024) });
    const huge = JSON.stringify(json, null, 2);
    await page.getByRole('textbox', { name: editorName }).fill(huge);
    await expect.poll(async () => (await partsOf(page)).length).toBe(huge.length);
    await page.getByRole('button', { name: 'Save revision' }).click();

    await expect(page.getByText(/^The definition is 2 MB: the limit is 1 MB/).first()).toBeVisible();
    await expect(page.getByText(/your text is still here/)).toBeVisible();
    expect(page.url()).toMatch(/\/edit$/);
    expect(await partsOf(page)).toBe(huge);
  });

  test('warns before leaving with unsaved changes', async ({ page }) => {
    await openEditor(page, 'Payments');
    // Nothing changed yet: leaving asks nothing.
    await page.getByRole('link', { name: 'Cancel' }).click();
    await expect(page).not.toHaveURL(/\/edit$/);

    await page.getByRole('link', { name: 'Edit definition' }).click();
    await page.getByLabel('Description').fill('An edit not yet saved');

    // Following a link inside the console asks first; staying keeps the edit.
    const asked: string[] = [];
    page.once('dialog', async (dialog) => {
      asked.push(`${dialog.type()}: ${dialog.message()}`);
      await dialog.dismiss();
    });
    await page.getByRole('link', { name: 'Cancel' }).click();
    await expect
      .poll(() => asked)
      .toEqual(['confirm: Leave this page? Your changes to the definition are not saved.']);
    await expect(page).toHaveURL(/\/edit$/);
    await expect(page.getByLabel('Description')).toHaveValue('An edit not yet saved');

    // Closing or reloading the tab: the browser's own prompt.
    const unloading = page.waitForEvent('dialog');
    await page.close({ runBeforeUnload: true });
    const dialog = await unloading;
    expect(dialog.type()).toBe('beforeunload');
    await dialog.accept();
  });

  test('after a save conflict: their version beside yours, then re-apply mine on top', async ({ page }) => {
    await openEditor(page, 'Payments');
    const base = Number(await page.locator('input[type="hidden"][name="baseRevision"]').inputValue());
    const mine = `Mine ${Date.now()}`;
    const theirs = `Theirs ${Date.now()}`;

    // Someone else (alice in another tab) saves first.
    const other = await page.context().newPage();
    await openEditor(other, 'Payments');
    await other.getByLabel('Description').fill(theirs);
    await other.getByRole('button', { name: 'Save revision' }).click();
    await expect(other.getByText(`Saved as revision ${base + 1}.`)).toBeVisible();
    await other.close();

    await page.getByLabel('Description').fill(mine);
    await page.getByRole('button', { name: 'Save revision' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Someone else saved' })).toContainText(
      `Someone else saved revision ${base + 1} while you were editing revision ${base}`,
    );
    const beside = page.getByRole('region', { name: 'Their version beside yours' });
    await expect(beside.getByRole('columnheader', { name: `Theirs (revision ${base + 1})` })).toBeVisible();
    const row = beside.getByRole('row', { name: /^description/ });
    await expect(row).toContainText(theirs);
    await expect(row).toContainText(mine);
    // What was typed is still there.
    await expect(page.getByLabel('Description')).toHaveValue(mine);

    await beside.getByRole('button', { name: 'Re-apply mine on top' }).click();
    await expect(page.getByText(`Saved as revision ${base + 2}.`)).toBeVisible();
    expect(await currentRevision(page)).toBe(base + 2);
    await expect(page.getByText(mine).first()).toBeVisible();
  });
});
