import { expect, test } from '@playwright/test';

import { baseURL } from '../../playwright.config';

import { curl, tokenOf } from './helpers';

/**
 * The seeds' own curl examples against the running server, names adapted to the demo data (stages and
 * namespaces are environments, applications are APIs by slug) and the rest as the seeds write it
 * (headers included). DEMO is the target where the other specs leave room. Codefresh: `Authorization: ${TOKEN}` bare; JFrog:
 * `Content-Type: application/json` and its Authorization header.
 */

type Api = { id: string; name: string; version: string };
const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

test('Codefresh: commit and pull request as the seed sends them, with its success and "no changes" shapes', async ({
  browser,
}) => {
  const admin = await tokenOf(browser, 'admin');
  const get = (path: string) => curl(['--header', `Authorization: Bearer ${admin}`, `${baseURL}${path}`]);
  // APIs QA already has come first: a commit updates one, leaving the others for the other specs.
  const inQa = (get('/api/v1/environments/qa/apis').body as { items: Api[] }).items.map((api) => api.name);
  const candidates = (get('/api/v1/environments/dev/apis').body as { items: Api[] }).items.sort(
    (a, b) => Number(inQa.includes(b.name)) - Number(inQa.includes(a.name)),
  );

  // QA lets the admin apply a promotion alone for the length of this test (Codefresh's commit is one).
  const terms = get('/api/v1/environments/qa/policy').body as Record<string, unknown>;
  delete terms.environment;
  delete terms.version;
  const putPolicy = (body: unknown) =>
    curl([
      '-X',
      'PUT',
      '--header',
      'content-type: application/json',
      '--header',
      `Authorization: Bearer ${admin}`,
      '--data',
      JSON.stringify(body),
      `${baseURL}/api/v1/environments/qa/policy`,
    ]);
  expect(putPolicy({ ...terms, selfApprovalAllowed: true, approvalsRequired: 1 }).status).toBe(200);
  try {
    const commit = (name: string) =>
      curl([
        '-X',
        'POST',
        `${baseURL}/api/promotions/commit`,
        '--header',
        'content-type: application/json',
        '--header',
        `Authorization: ${admin}`,
        '--data',
        `{
    "srcAppId": {
        "runtime": "development",
        "namespace": "dev",
        "name": "${name}"
    },
    "destAppId": {
        "runtime": "development",
        "namespace": "qa",
        "name": "${name}"
    },
        "message": "Update image tag and bump version"
}`,
      ]);
    let committed: { status: number; body: unknown } | null = null;
    let name = '';
    for (const api of candidates) {
      name = slug(api.name);
      committed = commit(name);
      if (committed.status === 201) break;
    }
    expect(committed).toMatchObject({
      status: 201,
      body: {
        COMMIT_SHA: expect.stringMatching(/^[0-9a-f]{40}$/),
        COMMIT_MESSAGE: 'Update image tag and bump version',
        COMMIT_AUTHOR: 'Ada Admin <admin@example.com>',
      },
    });
    // The same commit again: nothing left to promote, in the seed's words.
    expect(commit(name)).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        message: 'no changes found between source and destination applications',
        error: 'Bad Request',
      },
    });
  } finally {
    expect(putPolicy(terms).status).toBe(200);
  }

  // A pull request, as the seed's curl sends it (its trailing comma taken out: it is not JSON).
  const alice = await tokenOf(browser, 'alice');
  const pullRequest = (name: string) =>
    curl([
      '-X',
      'POST',
      `${baseURL}/api/promotions/pullRequest`,
      '--header',
      'content-type: application/json',
      '--header',
      `Authorization: ${alice}`,
      '--data',
      `{
        "srcAppId": {
            "runtime": "development",
            "namespace": "dev",
            "name": "${name}"
        },
        "destAppId": {
            "runtime": "production",
            "namespace": "demo",
            "name": "${name}"
        },
        "head": "main",
        "title": "Merge new-accounts",
        "description": "Added new accounts and git sources",
        "commitMessage": "Merge new-accounts",
        "commitDescription": "Approved new accounts and git sources"
    }`,
    ]);
  let opened: ReturnType<typeof curl> | undefined;
  for (const api of candidates) {
    opened = pullRequest(slug(api.name));
    if (opened.status === 201) break;
  }
  expect(opened).toMatchObject({ body: { PR_STATUS: 'open', PR_TITLE: 'Merge new-accounts', HEAD: 'main' } });
  // An application that is not there: Codefresh's error shape.
  expect(pullRequest('no-such-app')).toMatchObject({
    status: 404,
    body: { statusCode: 404, error: 'Not Found' },
  });
});

test('JFrog: the seed’s promote request, 201 synchronous and 200 asynchronous, and its error shape', async ({
  browser,
}) => {
  const alice = await tokenOf(browser, 'alice');
  const apis = (
    curl(['--header', `Authorization: Bearer ${alice}`, `${baseURL}/api/v1/environments/dev/apis`]).body as {
      items: Api[];
    }
  ).items;
  const promote = (api: Api, query = '', includes = '"endpoints"') =>
    curl([
      '-X',
      'POST',
      `${baseURL}/apptrust/api/v1/applications/${slug(api.name)}/versions/${api.version}/promote${query}`,
      '--header',
      'Content-Type: application/json',
      '--header',
      `Authorization: Bearer ${alice}`,
      '--data',
      `{
  "target_stage": "DEMO",
  "promotion_type": "copy",
  "included_repository_keys": [
    ${includes}
  ],
  "artifact_additional_properties": [
    {
        "key": "release.status",
        "value": ["approved"]
    },
    {
        "key": "promoted.by",
        "value": ["jane.doe"]
    }
  ]
}`,
    ]);
  // The first API that can go, synchronously (201); the next one asynchronously (200).
  let synchronous: { api: Api; answer: ReturnType<typeof curl> } | undefined;
  let asynchronous: ReturnType<typeof curl> | undefined;
  for (const api of apis) {
    if (!synchronous) {
      const answer = promote(api);
      if (answer.status === 201) synchronous = { api, answer };
    } else if (!asynchronous) {
      const answer = promote(api, '?async=true');
      if (answer.status === 200) asynchronous = answer;
    }
  }
  expect(synchronous?.answer.body).toMatchObject({
    application_key: slug(synchronous!.api.name),
    version: synchronous!.api.version,
    source_stage: expect.stringMatching(/^(DEV|QA)$/),
    target_stage: 'DEMO',
    promotion_type: 'copy',
    status: 'pending_approval',
    included_repository_keys: ['endpoints'],
    artifact_additional_properties: { 'release.status': 'approved', 'promoted.by': 'jane.doe' },
    evaluations: {
      exit_gate: { decision: expect.any(String) },
      entry_gate: { decision: expect.any(String) },
    },
  });
  expect(asynchronous?.body).toMatchObject({ target_stage: 'DEMO', status: 'pending_approval' });
  // Already pending: JFrog's error shape with the domain's 409.
  expect(promote(synchronous!.api)).toMatchObject({ status: 409, body: { errors: [{ status: 409 }] } });
  // The seed's own repository key is not a part of a definition: refused by name.
  expect(promote(apis[0]!, '', '"docker-prod-local"')).toMatchObject({
    status: 400,
    body: { errors: [{ status: 400, message: expect.stringMatching(/^included_repository_keys\.0: /) }] },
  });
});
