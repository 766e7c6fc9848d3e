import { expect, test, type Browser, type Page } from '@playwright/test';

import { openApi, storageStateOf, type DemoUser } from '../fixtures';

/**
 * PROD's policy in the demo data: two approvers, at least one of them a release manager (Carol,
 * Ada), and never an author of the change.
 */

async function pageAs(browser: Browser, user: DemoUser): Promise<Page> {
  const context = await browser.newContext({ storageState: storageStateOf(user) });
  return context.newPage();
}

function task(page: Page, list: 'Tasks' | 'Waiting for others', apiName: string) {
  return page
    .getByRole('list', { name: list })
    .getByRole('listitem')
    .filter({ hasText: apiName })
    .filter({ hasText: 'DEMO → PROD' });
}

async function approve(page: Page) {
  await page.getByRole('button', { name: 'Approve', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Approve', exact: true }).click();
}

test('DEMO → PROD needs carol and admin; the requester cannot approve; a changed source is brought up to date', async ({
  browser,
}) => {
  const grace = await pageAs(browser, 'grace');
  const carol = await pageAs(browser, 'carol');
  const admin = await pageAs(browser, 'admin');

  // PROD's policy, as anyone who sees PROD reads it.
  await carol.goto('/environments/prod/policy');
  await expect(carol.getByRole('region', { name: 'Approval policy' })).toContainText(
    '1 approval from members of Release managers',
  );

  // Grace asks for DEMO's Customer Accounts to go to PROD.
  await openApi(grace, 'demo', 'Customer Accounts');
  await grace.getByRole('button', { name: 'Promote' }).click();
  const picker = grace.getByRole('dialog');
  await picker.getByLabel('PROD', { exact: true }).check();
  await picker.getByLabel('Title').fill('Customer Accounts for PROD');
  await picker.getByRole('button', { name: 'Request promotion' }).click();
  await expect(grace.getByText('Promotion requested.')).toBeVisible();
  await grace.getByRole('link', { name: 'View request' }).click();
  await grace.waitForURL(/\/promotions\/[0-9a-f-]{36}$/);
  const firstUrl = grace.url();
  // The requester may not approve her own request.
  await expect(grace.getByRole('button', { name: 'Approve', exact: true })).toHaveCount(0);
  await expect(grace.getByText('You cannot approve:')).toBeVisible();
  await expect(grace.getByRole('region', { name: 'Approvals' })).toContainText(
    '0 of 2 approvals · still needs: 1 from Release managers',
  );

  // Carol approves: one of two, and the task moves to her waiting list.
  await carol.goto('/tasks');
  await expect(task(carol, 'Tasks', 'Customer Accounts')).toContainText('0 of 2 approvals');
  await task(carol, 'Tasks', 'Customer Accounts').getByRole('link', { name: 'Customer Accounts' }).click();
  await approve(carol);
  await expect(carol.getByText('Approved: 1 of 2 approvals.')).toBeVisible();
  await carol.goto('/tasks');
  await expect(task(carol, 'Tasks', 'Customer Accounts')).toHaveCount(0);
  await expect(task(carol, 'Waiting for others', 'Customer Accounts')).toContainText(
    '1 of 2 approvals · approved by Carol Approver',
  );
  await admin.goto('/tasks');
  await expect(task(admin, 'Tasks', 'Customer Accounts')).toContainText('1 of 2 approvals');

  // Grace changes the API in DEMO: the request no longer shows what the source holds.
  await openApi(grace, 'demo', 'Customer Accounts');
  await grace.getByRole('link', { name: 'Edit definition' }).click();
  await grace.getByLabel('Version').fill('2.1.0');
  await grace.getByRole('button', { name: 'Save revision' }).click();
  await expect(grace.getByText('Saved as revision 2.')).toBeVisible();
  await carol.reload();
  await expect(task(carol, 'Waiting for others', 'Customer Accounts')).toContainText(
    'source changed: revision 1 → 2',
  );
  await admin.goto(firstUrl);
  await expect(admin.getByText('The source has changed since this request (revision 1 → 2)')).toBeVisible();

  // Grace brings her request up to date: a new request, and approvals start again.
  await grace.goto(firstUrl);
  await grace.getByRole('button', { name: 'Update request' }).click();
  await grace.getByRole('dialog').getByRole('button', { name: 'Update request' }).click();
  await grace.waitForURL(
    (url) => url.toString() !== firstUrl && /\/promotions\/[0-9a-f-]{36}$/.test(url.pathname),
  );
  await expect(grace.getByText('Replaces an')).toBeVisible();
  await expect(grace.getByRole('region', { name: 'Approvals' })).toContainText('0 of 2 approvals');
  const secondUrl = grace.url();
  await carol.goto(firstUrl);
  await expect(carol.getByRole('heading', { level: 1 })).toContainText('superseded');
  await expect(carol.getByRole('link', { name: 'see the current request' })).toBeVisible();

  // Carol and admin approve the current request: applied in PROD.
  await carol.goto(secondUrl);
  await approve(carol);
  await expect(carol.getByText('Approved: 1 of 2 approvals.')).toBeVisible();
  await admin.goto(secondUrl);
  await approve(admin);
  await expect(
    admin.getByText('Approved, and the policy is met: the API was created (revision 1).'),
  ).toBeVisible();
  await expect(admin.getByRole('heading', { level: 1 })).toContainText('accepted');
  await expect(admin.getByRole('region', { name: 'Approvals' })).toContainText('Carol Approver');
  await expect(admin.getByRole('region', { name: 'Approvals' })).toContainText('Ada Admin');
});
