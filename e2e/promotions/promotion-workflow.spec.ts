import { expect, test, type Browser, type Page, type Request } from '@playwright/test';

import { openApi, storageStateOf, type DemoUser } from '../fixtures';

async function pageAs(browser: Browser, user: DemoUser): Promise<Page> {
  const context = await browser.newContext({ storageState: storageStateOf(user) });
  return context.newPage();
}

async function requestPromotion(page: Page, target: string, title: string) {
  await page.getByRole('button', { name: 'Promote' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(target, { exact: true }).check();
  await dialog.getByLabel('Title').fill(title);
  await dialog.getByLabel('Message').fill(`${title}: please review.`);
  await dialog.getByRole('button', { name: 'Request promotion' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('Promotion requested.')).toBeVisible();
}

async function openTask(page: Page, apiName: string, action: 'create' | 'update') {
  await page.getByRole('link', { name: /^Tasks/ }).click();
  const task = page.getByRole('list', { name: 'Tasks' }).getByRole('listitem').filter({ hasText: apiName });
  await expect(task).toContainText('DEV → QA');
  await expect(task).toContainText(action);
  await task.getByRole('link', { name: apiName }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`Promote ${apiName}`);
}

test('alice promotes to QA, bob approves, then rejects the next one; alice sees the outcome', async ({
  browser,
}) => {
  const alice = await pageAs(browser, 'alice');
  const bob = await pageAs(browser, 'bob');

  // Alice asks for Order Tracking (not yet in QA) to be promoted.
  await openApi(alice, 'dev', 'Order Tracking');
  await alice.getByRole('button', { name: 'Promote' }).click();
  const picker = alice.getByRole('dialog');
  await expect(picker.getByRole('group', { name: 'Development' })).toContainText('QA');
  await expect(picker.getByRole('group', { name: 'Production' })).toContainText('DEMO');
  await picker.getByLabel('QA', { exact: true }).check();
  await expect(picker).toContainText('Accepting will create a new API in QA.');
  await expect(picker).toContainText('Members and groups do not travel');
  await picker.getByRole('button', { name: 'Close' }).click();
  await requestPromotion(alice, 'QA', 'Order Tracking for QA');

  // The picker now shows QA as pending, with a link to the request.
  await alice.getByRole('button', { name: 'Promote' }).click();
  await expect(alice.getByRole('dialog').getByLabel('QA (pending)')).toBeDisabled();
  await expect(alice.getByRole('dialog').getByRole('link', { name: 'View pending request' })).toBeVisible();
  await alice.getByRole('dialog').getByRole('button', { name: 'Close' }).click();

  // Bob sees it in his inbox, with the badge, and accepts.
  await bob.goto('/');
  await expect(bob.getByRole('link', { name: /^Tasks/ }).getByLabel(/waiting/)).toBeVisible();
  await openTask(bob, 'Order Tracking', 'create');
  await expect(bob.getByText('Order Tracking for QA: please review.')).toBeVisible();
  await bob.getByRole('button', { name: 'Approve', exact: true }).click();
  await bob.getByRole('dialog').getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(
    bob.getByText('Approved, and the policy is met: the API was created (revision 1).'),
  ).toBeVisible();

  // The API is in QA, without alice's members and groups.
  await bob.getByRole('link', { name: 'API in QA' }).click();
  const members = bob.getByRole('region', { name: 'Members and groups' });
  await expect(members).toContainText('Bob Approver');
  await expect(members).toContainText('PRIMARY_OWNER');
  await expect(members).not.toContainText('Alice');
  await expect(members).not.toContainText('Frank');
  await expect(members).toContainText('No groups.');

  // Alice changes the DEV API and promotes again: this time it is an update.
  await openApi(alice, 'dev', 'Order Tracking');
  await alice.getByRole('link', { name: 'Edit definition' }).click();
  await alice.getByLabel('Version').fill('1.2.0');
  await alice.getByRole('button', { name: 'Save revision' }).click();
  await expect(alice.getByText(/Saved as revision \d+\./)).toBeVisible();
  await alice.getByRole('button', { name: 'Promote' }).click();
  await alice.getByRole('dialog').getByLabel('QA', { exact: true }).check();
  await expect(alice.getByRole('dialog')).toContainText('Accepting will update the existing API in QA');
  await alice.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  await requestPromotion(alice, 'QA', 'Order Tracking 1.2.0');

  await openTask(bob, 'Order Tracking', 'update');
  // Bob sees exactly what approving would change in QA: the version alice edited.
  await expect(bob.getByRole('heading', { name: 'What approving changes in QA' })).toBeVisible();
  const general = bob.getByRole('region', { name: 'Changes to Name, version, description, context path' });
  await expect(general.getByRole('row', { name: /^version/ })).toContainText('1.2.0');
  await bob.getByRole('button', { name: 'Reject', exact: true }).click();
  await bob.getByRole('dialog').getByLabel('Reason (required)').fill('Needs a changelog page first');
  await bob.getByRole('dialog').getByRole('button', { name: 'Reject promotion' }).click();
  await expect(bob.getByText('Promotion rejected.')).toBeVisible();

  // Alice is told, and the API page keeps the history with the reason.
  await alice.reload();
  await alice.getByRole('button', { name: /Notifications \(\d+ unread\)/ }).click();
  const notices = alice.getByRole('list', { name: 'Notifications' });
  await expect(notices).toContainText('Bob Approver rejected the promotion of Order Tracking to QA');
  await expect(notices).toContainText('Needs a changelog page first');
  await expect(notices).toContainText('Bob Approver accepted the promotion of Order Tracking to QA');
  const history = alice.getByRole('region', { name: 'Promotions' });
  await expect(history.getByRole('row').filter({ hasText: 'rejected' })).toContainText(
    'Needs a changelog page first',
  );
  await expect(history.getByRole('row').filter({ hasText: 'accepted' })).toContainText('Bob Approver');
});

test('bob cannot promote alice’s DEV API: he cannot even see it', async ({ browser }) => {
  const alice = await pageAs(browser, 'alice');
  await openApi(alice, 'dev', 'Payments');
  const url = alice.url();
  const bob = await pageAs(browser, 'bob');
  expect((await bob.goto(url))?.status()).toBe(404);
});

test('alice cannot approve in QA, even with a direct request to the approve action', async ({ browser }) => {
  const alice = await pageAs(browser, 'alice');
  const bob = await pageAs(browser, 'bob');

  await openApi(alice, 'dev', 'Product Catalog');
  await requestPromotion(alice, 'QA', 'Catalog to QA');
  await alice.getByRole('link', { name: 'View request' }).click();
  await expect(alice.getByRole('button', { name: 'Approve', exact: true })).toHaveCount(0);
  await expect(alice.getByText('You cannot approve:')).toBeVisible();
  const promotionUrl = alice.url();

  // Capture bob's accept request without letting it through.
  await bob.goto(promotionUrl);
  let captured: Request | undefined;
  await bob.route('**/promotions/**', async (route) => {
    if (route.request().method() === 'POST' && route.request().headers()['next-action']) {
      captured = route.request();
      await route.abort();
    } else {
      await route.continue();
    }
  });
  await bob.getByRole('button', { name: 'Approve', exact: true }).click();
  await bob.getByRole('dialog').getByRole('button', { name: 'Approve', exact: true }).click();
  await expect.poll(() => captured).toBeDefined();
  const replay = (page: Page) =>
    page.request.post(captured!.url(), {
      headers: {
        'next-action': captured!.headers()['next-action']!,
        'content-type': captured!.headers()['content-type']!,
        accept: 'text/x-component',
      },
      data: captured!.postDataBuffer()!,
    });

  expect(await (await replay(alice)).text()).toContain(
    'Accepting creates an API in QA: that needs permission to create APIs there',
  );
  await alice.reload();
  await expect(alice.getByRole('heading', { level: 1 })).toContainText('pending');

  // The same request with bob's session accepts: the refusal was about alice, not a broken request.
  await bob.unroute('**/promotions/**');
  expect(await (await replay(bob)).text()).toContain('Approved, and the policy is met');
  await alice.reload();
  await expect(alice.getByRole('heading', { level: 1 })).toContainText('accepted');
});

test('a deprecated API cannot be promoted, and the page says why', async ({ browser }) => {
  const alice = await pageAs(browser, 'alice');
  await openApi(alice, 'dev', 'Geo Lookup');
  await expect(alice.getByRole('button', { name: 'Promote' })).toBeDisabled();
  await expect(alice.getByText('This API is deprecated: it cannot be promoted.')).toBeVisible();
});
