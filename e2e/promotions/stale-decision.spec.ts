import { expect, test, type Browser, type Page } from '@playwright/test';

import { openApi, storageStateOf, type DemoUser } from '../fixtures';

async function pageAs(browser: Browser, user: DemoUser): Promise<Page> {
  const context = await browser.newContext({ storageState: storageStateOf(user) });
  return context.newPage();
}

test('a decision someone else made first: the page refreshes to the real status, no stale Approve or Reject', async ({
  browser,
}) => {
  // Alice asks for DEV's Notifications in QA (no other spec promotes it).
  const alice = await pageAs(browser, 'alice');
  await openApi(alice, 'dev', 'Notifications');
  await alice.getByRole('button', { name: 'Promote' }).click();
  const picker = alice.getByRole('dialog');
  await picker.getByLabel('QA', { exact: true }).check();
  await picker.getByLabel('Title').fill(`Notifications to QA ${Date.now()}`);
  await picker.getByRole('button', { name: 'Request promotion' }).click();
  await alice.getByRole('link', { name: 'View request' }).click();
  await alice.waitForURL(/\/promotions\/[0-9a-f-]{36}$/);
  const url = alice.url();

  // Bob has it open in two tabs; in the second he rejects it.
  const bob = await pageAs(browser, 'bob');
  await bob.goto(url);
  await expect(bob.getByRole('button', { name: 'Approve', exact: true })).toBeVisible();
  const bobElsewhere = await bob.context().newPage();
  await bobElsewhere.goto(url);
  await bobElsewhere.getByRole('button', { name: 'Reject', exact: true }).click();
  await bobElsewhere
    .getByRole('dialog')
    .getByLabel(/^Reason/)
    .fill('Not ready for QA');
  await bobElsewhere.getByRole('dialog').getByRole('button', { name: 'Reject promotion' }).click();
  await expect(bobElsewhere.getByText('Promotion rejected.')).toBeVisible();

  // The first tab still offers Approve: trying it says who decided, and the page shows what is stored.
  await bob.getByRole('button', { name: 'Approve', exact: true }).click();
  await bob.getByRole('dialog').getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(bob.getByRole('dialog')).toBeHidden();
  await expect(bob.getByText('This promotion was already rejected by Bob Approver.').first()).toBeVisible();
  await expect(bob.getByText('Decision not recorded: the page shows the current status')).toBeVisible();
  await expect(bob.getByRole('button', { name: 'Approve', exact: true })).toHaveCount(0);
  await expect(bob.getByRole('button', { name: 'Reject', exact: true })).toHaveCount(0);
  await expect(bob.getByText('rejected', { exact: true }).first()).toBeVisible();
});
