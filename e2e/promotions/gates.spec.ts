import { expect, test, type Browser, type Page } from '@playwright/test';

import { openApi, storageStateOf, type DemoUser } from '../fixtures';

/**
 * The demo's gates: DEMO's and PROD's entry gates refuse plain-http endpoints; QA's warns when the version does
 * not increase. DEV's Customer Accounts has a plain-http DR endpoint.
 */

async function pageAs(browser: Browser, user: DemoUser): Promise<Page> {
  const context = await browser.newContext({ storageState: storageStateOf(user) });
  return context.newPage();
}

/**
 * For the length of a test, QA's entry gate also holds a custom (CEL) rule that warns when a
 * promotion of Customer Accounts names no change ticket, set by the admin over REST like any client.
 */
async function withTicketRule(browser: Browser, run: () => Promise<void>) {
  const admin = await pageAs(browser, 'admin');
  // The policy as GET shows it, less where and which version: what PUT takes.
  const terms = await (await admin.request.get('/api/v1/environments/qa/policy')).json();
  delete terms.environment;
  delete terms.version;
  // A run cut short (a retry) may have left the rule in place: never add it twice.
  terms.entryGate = terms.entryGate.filter((rule: { name?: string }) => rule.name !== 'Change ticket');
  // A console session writes over REST only from the console's own origin.
  const origin = `http://127.0.0.1:${process.env.E2E_PORT}`;
  const put = (body: unknown) =>
    admin.request.put('/api/v1/environments/qa/policy', { data: body, headers: { origin } });
  const changed = await put({
    ...terms,
    entryGate: [
      ...terms.entryGate,
      {
        rule: 'custom',
        name: 'Change ticket',
        mode: 'warn',
        expression: 'snapshot.name != "Customer Accounts" || "ticket" in parameters',
        message: 'Customer Accounts changes name their change ticket (parameter ticket).',
      },
    ],
  });
  // 422 "no changes": a run cut short left exactly this rule in place.
  expect([200, 422]).toContain(changed.status());
  try {
    await run();
  } finally {
    expect((await put(terms)).status()).toBe(200);
  }
}

test('the Promote dialog runs the gates before anything is requested; alice fixes her API and bob sees the change', async ({
  browser,
}) => {
  await withTicketRule(browser, () => promoteTheFix(browser));
});

async function promoteTheFix(browser: Browser) {
  const alice = await pageAs(browser, 'alice');
  await openApi(alice, 'dev', 'Customer Accounts');

  // Picking DEMO runs its entry gate at once: the DR endpoint is plain http.
  await alice.getByRole('button', { name: 'Promote' }).click();
  const dialog = alice.getByRole('dialog');
  await dialog.getByLabel('DEMO', { exact: true }).check();
  const gates = dialog.getByRole('region', { name: 'Gates' });
  await expect(gates).toContainText('Entry gate');
  await expect(gates).toContainText('fail');
  await expect(gates).toContainText(
    'Endpoints not using https: accounts-dr (http://accounts-dr.internal.example.com/api/v1)',
  );
  // PROD's entry gate says the same — unless PROD is taken by DEMO's request for the same API
  // (approval-policy.spec.ts, which may run alongside): then the picker rightly offers no PROD, and
  // its label reads "PROD (pending)". (isEnabled() alone would wait for a label that is not there.)
  const prod = dialog.getByLabel('PROD', { exact: true });
  if ((await prod.count()) > 0 && (await prod.isEnabled())) {
    await prod.check();
    await expect(gates).toContainText('accounts-dr (http://accounts-dr.internal.example.com/api/v1)');
  }
  await dialog.getByRole('button', { name: 'Close' }).click();

  // She fixes the endpoint in DEV.
  await alice.getByRole('link', { name: 'Edit definition' }).click();
  // The JSON editor (CodeMirror) draws only the lines in view: the whole text is in the form's hidden field.
  const text = await alice.locator('input[type="hidden"][name="parts"]').inputValue();
  await alice
    .getByRole('textbox', { name: /Endpoints, plans, flows/ })
    .fill(text.replace('http://accounts-dr', 'https://accounts-dr'));
  await alice.getByLabel('Change message').fill('Serve the DR endpoint over https');
  await alice.getByRole('button', { name: 'Save revision' }).click();
  await expect(alice.getByText(/Saved as revision \d+\./)).toBeVisible();

  // DEMO's gate passes now; she asks for QA first.
  await alice.getByRole('button', { name: 'Promote' }).click();
  await dialog.getByLabel('DEMO', { exact: true }).check();
  await expect(gates.getByText('Every endpoint uses https.')).toBeVisible();
  await dialog.getByLabel('QA', { exact: true }).check();
  // Alice may not read QA's copy: what changes there is for its approvers.
  await expect(dialog.getByText('what changes there is shown to its approvers')).toBeVisible();
  // She holds no role in QA, so she cannot promote there on her own say-so.
  await expect(dialog.getByLabel(/Promote directly/)).toBeDisabled();
  await expect(dialog.getByText(/A direct promotion is approved by its requester alone/)).toBeVisible();
  // QA's custom rule warns: she goes ahead with a justification.
  await expect(gates).toContainText('Customer Accounts changes name their change ticket (parameter ticket).');
  await dialog.getByLabel('Title').fill('DR endpoint over https');
  await dialog
    .getByLabel('Justification (a gate warns)')
    .fill('Ticket OPS-77 is still being filed; the DR fix is urgent.');
  await dialog.getByRole('button', { name: 'Request promotion' }).click();
  await expect(alice.getByText('Promotion requested.')).toBeVisible();

  // Bob, who may read QA's copy, sees exactly her change.
  const bob = await pageAs(browser, 'bob');
  await bob.goto('/tasks');
  const task = bob
    .getByRole('list', { name: 'Tasks' })
    .getByRole('listitem')
    .filter({ hasText: 'Customer Accounts' });
  // The warning and its justification are in the task, and on its page.
  await expect(task).toContainText('gate warning');
  await expect(task).toContainText('Ticket OPS-77 is still being filed; the DR fix is urgent.');
  await task.getByRole('link', { name: 'Customer Accounts' }).click();
  await expect(bob.getByRole('region', { name: 'Gates' })).toContainText(
    "The requester's justification: Ticket OPS-77 is still being filed",
  );
  await expect(bob.getByRole('heading', { name: 'What approving changes in QA' })).toBeVisible();
  const endpoints = bob.getByRole('region', { name: 'Changes to Endpoints' });
  await expect(endpoints.getByRole('row')).toHaveCount(2); // the header and her one change
  await expect(endpoints.getByRole('row', { name: /^endpoints\[accounts-dr\]\.target/ })).toContainText(
    'https://accounts-dr.internal.example.com/api/v1',
  );
  await bob.getByRole('button', { name: 'Approve', exact: true }).click();
  await bob.getByRole('dialog').getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(bob.getByText(/^Approved, and the policy is met: the API was updated/)).toBeVisible();
}
