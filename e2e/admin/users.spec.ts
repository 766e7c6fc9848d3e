import { expect, test, type Browser, type Page } from '@playwright/test';

import { expectAccessible, signIn, storageStateOf } from '../fixtures';

type ApiList = { items: { id: string; name: string }[] };

/**
 * A promotion from DEV into QA for someone in QA to decide: alice asks for the first DEV API that QA
 * does not have yet and that can go (earlier specs may have left some pending), over REST like a client.
 */
async function pendingPromotionIntoQa(browser: Browser, admin: Page): Promise<string> {
  const inQa = (
    (await (await admin.request.get('/api/v1/environments/qa/apis')).json()) as ApiList
  ).items.map((api) => api.name);
  const alice = await (await browser.newContext({ storageState: storageStateOf('alice') })).newPage();
  const origin = `http://127.0.0.1:${process.env.E2E_PORT}`;
  const apis = (await (await alice.request.get('/api/v1/environments/dev/apis')).json()) as ApiList;
  for (const api of apis.items.filter((candidate) => !inQa.includes(candidate.name))) {
    const response = await alice.request.post(`/api/v1/apis/${api.id}/promotions`, {
      data: { target: 'qa', justification: 'Needed in QA for the release test.' },
      headers: { origin },
    });
    if (response.status() === 201 || response.status() === 202) {
      await alice.context().close();
      return api.name;
    }
  }
  throw new Error('no DEV API could be promoted into QA');
}

test('admin creates grace, makes her a QA approver through a group; she changes her password, decides a task, and is shut out when disabled', async ({
  browser,
}) => {
  const admin = await (await browser.newContext({ storageState: storageStateOf('admin') })).newPage();

  // A new user, with a one-time password shown once.
  await admin.goto('/admin/users');
  await expectAccessible(admin);
  const newUser = admin.getByRole('form', { name: 'New user' });
  await newUser.getByLabel('Email').fill('grace.hopper@example.com');
  await newUser.getByLabel('Name').fill('Grace Hopper');
  await newUser.getByRole('button', { name: 'Create user' }).click();
  const shown = admin.getByRole('region', { name: 'One-time password' });
  await expect(shown).toContainText('grace.hopper@example.com');
  const oneTimePassword = (await shown.locator('code').textContent())!.trim();
  expect(oneTimePassword).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);

  // A group in QA whose members are approvers there; grace joins it.
  await admin
    .getByRole('navigation', { name: 'Administration' })
    .getByRole('link', { name: 'Groups' })
    .click();
  await expectAccessible(admin);
  const newGroup = admin.getByRole('form', { name: 'New group' });
  await newGroup.getByLabel('Environment', { exact: true }).selectOption({ label: 'QA' });
  await newGroup.getByLabel('Name').fill('QA release team');
  await newGroup.getByLabel('Environment role of its members').selectOption('APPROVER');
  await newGroup.getByRole('button', { name: 'Create group' }).click();
  await expect(admin.getByRole('heading', { level: 1, name: 'QA release team' })).toBeVisible();
  await expect(admin.getByText('In QA: members hold APPROVER there')).toBeVisible();
  const addMember = admin.getByRole('form', { name: 'Add a member' });
  await addMember.getByLabel("Member's email").fill('nobody@example.com');
  await addMember.getByRole('button', { name: 'Add member' }).click();
  await expect(addMember.getByText('No such user')).toBeVisible();
  await addMember.getByLabel("Member's email").fill('grace.hopper@example.com');
  await addMember.getByRole('button', { name: 'Add member' }).click();
  await expect(admin.getByRole('list', { name: 'Members' })).toContainText('Grace Hopper');
  await expectAccessible(admin);

  const apiName = await pendingPromotionIntoQa(browser, admin);

  // Grace signs in with the one-time password and must choose her own first.
  const grace = await (await browser.newContext({ storageState: { cookies: [], origins: [] } })).newPage();
  await grace.goto('/tasks');
  await signIn(grace, 'grace.hopper@example.com', oneTimePassword);
  await expect(grace.getByRole('heading', { name: 'Choose your password' })).toBeVisible();
  // Whatever page she asks for, and whatever she tries over REST with her session.
  await grace.goto('/admin/users');
  await expect(grace.getByRole('heading', { name: 'Choose your password' })).toBeVisible();
  expect((await grace.request.get('/api/v1/environments')).status()).toBe(403);
  await grace.goto('/tasks');
  await grace.getByLabel('Current password').fill(oneTimePassword);
  await grace.getByLabel('New password').fill('compilers all the way down');
  await grace.getByRole('button', { name: /change password/i }).click();

  // Her QA inbox holds alice's request; she approves it.
  await expect(grace.getByRole('heading', { level: 1, name: 'Tasks' })).toBeVisible();
  await grace.getByRole('list', { name: 'Tasks' }).getByRole('link', { name: apiName }).first().click();
  await grace.getByRole('button', { name: 'Approve', exact: true }).click();
  await grace.getByRole('dialog').getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(grace.getByText(/^Approved, and the policy is met: the API was created/)).toBeVisible();

  // The admin disables her: her open session is refused at its next page load.
  await admin.goto('/admin/users?q=grace.hopper');
  await admin.getByRole('link', { name: 'Grace Hopper' }).click();
  await expect(admin.getByText('QA release team')).toBeVisible();
  await expectAccessible(admin);
  await admin.getByRole('button', { name: 'Disable user' }).click();
  await expect(admin.getByText(/^Disabled\. 1 session ended\./)).toBeVisible();
  await grace.reload();
  await expect(grace).toHaveURL(/\/login/);
  await signIn(grace, 'grace.hopper@example.com', 'compilers all the way down');
  await expect(grace.getByRole('alert')).toBeVisible();
  await expect(grace).toHaveURL(/\/login/);
});

test('every administration form works with the keyboard alone', async ({ browser }) => {
  const admin = await (await browser.newContext({ storageState: storageStateOf('admin') })).newPage();
  await admin.goto('/admin/groups');
  // Fill the new-group form and submit it with Enter.
  await admin.getByLabel('Name').focus();
  await admin.keyboard.type('Keyboard people');
  await admin.keyboard.press('Enter');
  await expect(admin.getByRole('heading', { level: 1, name: 'Keyboard people' })).toBeVisible();
  // Delete it again, with the keyboard.
  await admin.getByRole('button', { name: 'Delete group' }).focus();
  await admin.keyboard.press('Enter');
  await expect(admin.getByRole('heading', { level: 1, name: 'Groups' })).toBeVisible();
  await expect(admin.getByRole('link', { name: 'Keyboard people' })).toHaveCount(0);
});
