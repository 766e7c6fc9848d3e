import { expect, test, type Browser } from '@playwright/test';
// The published Drone client, unchanged: it posts form fields to /api/repos/{owner}/{repo}/builds/{n}/promote.
import { Client } from 'drone-node';

import { baseURL } from '../../playwright.config';
import { storageStateOf, type DemoUser } from '../fixtures';

/** A fresh API token of a demo user, made in the console as a user would. */
async function tokenOf(browser: Browser, user: DemoUser): Promise<string> {
  const page = await (await browser.newContext({ storageState: storageStateOf(user) })).newPage();
  await page.goto('/settings/tokens');
  await page.getByLabel('Name').fill(`drone-${Date.now().toString(36)}`);
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = await page.getByRole('textbox', { name: 'New token' }).inputValue();
  await page.context().close();
  return token;
}

type Build = {
  number: number;
  status: string;
  event: string;
  deploy_to: string;
  params: Record<string, string>;
};

test('drone-node promotes a build with parameters and polls it; a user who may not promote gets Drone’s error', async ({
  browser,
}) => {
  const aliceToken = await tokenOf(browser, 'alice');
  const alice = new Client({ url: baseURL, token: aliceToken });
  // DEV's "Notifications" is the repository dev/notifications; build 1 is its first revision.
  const build = (await alice.promoteBuild('dev', 'notifications', 1, 'qa', {
    DEPLOY_TICKET: 'OPS-42',
  })) as Build;
  expect(build).toMatchObject({
    event: 'promote',
    deploy_to: 'qa',
    status: 'blocked',
    params: { DEPLOY_TICKET: 'OPS-42' },
    parent: 1,
    author_email: 'alice@example.com',
  });
  expect(build.number).toBeGreaterThan(100000);
  const polled = (await alice.getBuild('dev', 'notifications', build.number)) as Build;
  expect(polled).toMatchObject({ number: build.number, status: 'blocked', event: 'promote' });

  // Dave publishes in QA but has no role in DEV: for him the repository does not exist.
  const dave = new Client({ url: baseURL, token: await tokenOf(browser, 'dave') });
  const refused = (await dave
    .promoteBuild('dev', 'notifications', 1, 'qa', {})
    .catch((error: unknown) => error)) as {
    status: number;
  };
  expect(refused.status).toBe(404);
  // And a repeat by alice is Drone's conflict, with Drone's error body.
  const again = await fetch(`${baseURL}/api/repos/dev/notifications/builds/1/promote?target=qa`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${aliceToken}` },
  });
  expect(again.status).toBe(409);
  expect(await again.json()).toEqual({ message: expect.stringMatching(/pending/i) });
});
