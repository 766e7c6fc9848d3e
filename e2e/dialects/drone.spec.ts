import { expect, test } from '@playwright/test';
// The published Drone client, unchanged: it posts form fields to /api/repos/{owner}/{repo}/builds/{n}/promote.
import { Client } from 'drone-node';

import { baseURL } from '../../playwright.config';
import { tokenOf } from './helpers';

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
  // A DEV API is the repository dev/<its slug>; build 1 is its first revision. The other specs of this
  // run leave some DEV APIs pending into QA: take the first that can go, from the end of the list.
  const apis = (await (
    await fetch(`${baseURL}/api/v1/environments/dev/apis`, {
      headers: { Authorization: `Bearer ${aliceToken}` },
    })
  ).json()) as { items: { name: string }[] };
  let build: Build | undefined;
  let repo = '';
  for (const api of apis.items.reverse()) {
    repo = api.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '');
    build = (await alice
      .promoteBuild('dev', repo, 1, 'qa', { DEPLOY_TICKET: 'OPS-42' })
      .catch(() => undefined)) as Build | undefined;
    if (build) break;
  }
  expect(build).toMatchObject({
    event: 'promote',
    deploy_to: 'qa',
    status: 'blocked',
    params: { DEPLOY_TICKET: 'OPS-42' },
    parent: 1,
    author_email: 'alice@example.com',
  });
  expect(build!.number).toBeGreaterThan(100000);
  const polled = (await alice.getBuild('dev', repo, build!.number)) as Build;
  expect(polled).toMatchObject({ number: build!.number, status: 'blocked', event: 'promote' });

  // Dave publishes in QA but has no role in DEV: for him the repository does not exist.
  const dave = new Client({ url: baseURL, token: await tokenOf(browser, 'dave') });
  const refused = (await dave.promoteBuild('dev', repo, 1, 'qa', {}).catch((error: unknown) => error)) as {
    status: number;
  };
  expect(refused.status).toBe(404);
  // And a repeat by alice is Drone's conflict, with Drone's error body.
  const again = await fetch(`${baseURL}/api/repos/dev/${repo}/builds/1/promote?target=qa`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${aliceToken}` },
  });
  expect(again.status).toBe(409);
  expect(await again.json()).toEqual({ message: expect.stringMatching(/pending/i) });
});
