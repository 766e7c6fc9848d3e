import { beforeAll, describe, expect, it } from 'vitest';

import * as buildRoute from '@/app/api/repos/[namespace]/[name]/builds/[number]/route';
import * as promoteRoute from '@/app/api/repos/[namespace]/[name]/builds/[number]/promote/route';
import * as commitRoute from '@/app/api/promotions/commit/route';
import * as pullRequestRoute from '@/app/api/promotions/pullRequest/route';
import * as v1PromoteRoute from '@/app/api/v1/apis/[id]/promotions/route';
import * as jfrogRoute from '@/app/apptrust/api/v1/applications/[application]/versions/[version]/promote/route';
import { slugOf } from '@/lib/dialects/drone';
import { updateEnvironmentSettings } from '@/lib/environments/update-environment-settings';
import { requestPromotion } from '@/lib/promotions/request-promotion';
import {
  actorFor,
  auditEventsSince,
  createTestApi,
  environmentId,
  lastAuditSeq,
  setApprovalPolicy,
} from '@/test/fixtures';

import { call, expectConforms, tokenFor } from './harness';

/** Issue 13: the seeds' own APIs (Drone, Codefresh, JFrog) over the same domain, with the same rules. */

let alice = '';
let dave = '';

beforeAll(async () => {
  alice = await tokenFor('alice@example.com');
  dave = await tokenFor('dave@example.com');
});

const promote = (
  token: string | null,
  repo: string,
  number: string,
  query = '',
  body?: string,
  type?: string,
) =>
  call(promoteRoute.POST, {
    method: 'POST',
    path: `/repos/${repo}/builds/${number}/promote${query}`,
    params: { namespace: repo.split('/')[0]!, name: repo.split('/')[1]!, number },
    token,
    ...(body !== undefined && {
      rawBody: body,
      headers: { 'content-type': type ?? 'application/x-www-form-urlencoded' },
    }),
  });

describe('Drone: POST /api/repos/{namespace}/{name}/builds/{number}/promote', () => {
  it('slugs are names in lowercase with every other run of characters a dash', () => {
    expect(slugOf('Order Tracking')).toBe('order-tracking');
    expect(slugOf('  Payments API (v2) ')).toBe('payments-api-v2');
  });

  it('takes target and parameters from the form body and the query, and answers the new build', async () => {
    const since = await lastAuditSeq();
    const response = await promote(
      alice,
      'dev/order-tracking',
      '1',
      '?CHANNEL=stable',
      'target=qa&TICKET=OPS-1',
    );
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expectConforms('/repos/{namespace}/{name}/builds/{number}/promote', 'post', response);
    expect(response.body).toMatchObject({
      event: 'promote',
      status: 'blocked',
      parent: 1,
      deploy_to: 'qa',
      source: 'dev',
      target: 'qa',
      params: { CHANNEL: 'stable', TICKET: 'OPS-1' },
      author_login: 'alice',
      source_repo: 'dev/order-tracking',
    });
    // The same rules and the same audit as every other face.
    expect((await auditEventsSince(since)).map((event) => [event.action, event.outcome])).toEqual([
      ['promotion.requested', 'success'],
    ]);

    const number = String((response.body as { number: number }).number);
    const polled = await call(buildRoute.GET, {
      path: `/repos/dev/order-tracking/builds/${number}`,
      params: { namespace: 'dev', name: 'order-tracking', number },
      token: alice,
    });
    expect(polled).toMatchObject({ status: 200, body: { number: Number(number), status: 'blocked' } });
    expectConforms('/repos/{namespace}/{name}/builds/{number}', 'get', polled);
    const revision = await call(buildRoute.GET, {
      path: '/repos/dev/order-tracking/builds/1',
      params: { namespace: 'dev', name: 'order-tracking', number: '1' },
      token: alice,
    });
    expect(revision).toMatchObject({ status: 200, body: { number: 1, event: 'push', status: 'success' } });

    // A second request for the same target: Drone's error body, the domain's 409.
    const again = await promote(alice, 'dev/order-tracking', '1', '?target=qa');
    expect(again).toMatchObject({ status: 409, body: { message: expect.stringMatching(/pending/i) } });
    expectConforms('/repos/{namespace}/{name}/builds/{number}/promote', 'post', again);
  });

  it('refuses in Drone’s order and shape: repository, then build, then a missing target', async () => {
    const cases: [Awaited<ReturnType<typeof promote>>, number, RegExp][] = [
      [await promote(null, 'dev/payments', '1', '?target=qa'), 401, /token/],
      [await promote(dave, 'dev/payments', '1', '?target=qa'), 404, /not found/i],
      [await promote(alice, 'dev/no-such-api', '1', '?target=qa'), 404, /Repository not found/],
      [await promote(alice, 'nowhere/payments', '1', '?target=qa'), 404, /not found/i],
      [await promote(alice, 'dev/payments', '999', '?target=qa'), 404, /Build not found/],
      [await promote(alice, 'dev/payments', '999'), 404, /Build not found/],
      [await promote(alice, 'dev/payments', '1'), 400, /Missing target/],
      [await promote(alice, 'dev/payments', '1', '', 'target=qa', 'text/plain'), 415, /form/],
    ];
    for (const [response, status, message] of cases) {
      expect(response.status).toBe(status);
      expect(response.contentType).toContain('application/json');
      expect((response.body as { message: string }).message).toMatch(message);
      expectConforms('/repos/{namespace}/{name}/builds/{number}/promote', 'post', response);
    }
  });
});

const commit = (token: string, body: unknown, bare = true) =>
  call(commitRoute.POST, {
    method: 'POST',
    path: '/promotions/commit',
    // Codefresh sends the key bare: `Authorization: <TOKEN>`.
    ...(bare ? { authorization: token } : { token }),
    body,
  });
const pullRequest = (token: string, body: unknown) =>
  call(pullRequestRoute.POST, {
    method: 'POST',
    path: '/promotions/pullRequest',
    authorization: token,
    body,
  });
const app = (runtime: string, namespace: string, name: string) => ({ runtime, namespace, name });

describe('Codefresh: POST /api/promotions/commit and /pullRequest', () => {
  it('a commit applies at once where the destination allows it; a second one is the seed’s "no changes" 400', async () => {
    await setApprovalPolicy('qa', { approvalsRequired: 1, selfApprovalAllowed: true });
    const admin = await tokenFor('admin@example.com');
    const body = {
      srcAppId: app('development', 'dev', 'payments'),
      destAppId: app('development', 'qa', 'payments'),
      message: 'Update image tag and bump version',
    };
    const first = await commit(admin, body);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expectConforms('/promotions/commit', 'post', first);
    expect(first.body).toEqual({
      COMMIT_SHA: expect.stringMatching(/^[0-9a-f]{40}$/),
      COMMIT_MESSAGE: 'Update image tag and bump version',
      COMMIT_AUTHOR: 'Ada Admin <admin@example.com>',
    });
    const second = await commit(admin, body);
    expect(second).toMatchObject({
      status: 400,
      body: {
        statusCode: 400,
        message: 'no changes found between source and destination applications',
        error: 'Bad Request',
      },
    });
    expectConforms('/promotions/commit', 'post', second);
    await setApprovalPolicy('qa', { approvalsRequired: 1, selfApprovalAllowed: false });
  });

  it('a pull request opens a request for approval; bad ids and missing fields are named', async () => {
    const alice = await tokenFor('alice@example.com');
    const api = await createTestApi();
    const slug = slugOf(api.definition.name);
    const opened = await pullRequest(alice, {
      srcAppId: app('development', 'dev', slug),
      destAppId: app('development', 'qa', slug),
      head: 'main',
      title: 'Merge new-accounts',
      description: 'Added new accounts and git sources',
      commitMessage: 'Merge new-accounts',
      commitDescription: 'Approved new accounts and git sources',
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expectConforms('/promotions/pullRequest', 'post', opened);
    expect(opened.body).toMatchObject({ PR_STATUS: 'open', PR_TITLE: 'Merge new-accounts', HEAD: 'main' });

    const wrong = await pullRequest(alice, {
      srcAppId: app('production', 'dev', slug),
      destAppId: app('development', 'qa', 'other-name'),
      title: 'x',
      color: 'blue',
    });
    expect(wrong.status).toBe(400);
    expectConforms('/promotions/pullRequest', 'post', wrong);
    expect((wrong.body as { message: string[] }).message).toEqual(
      expect.arrayContaining(['head: Required', 'color: Unknown field']),
    );
  });
});

const jfrog = (token: string, key: string, version: string, body: unknown, query = '') =>
  call(jfrogRoute.POST, {
    method: 'POST',
    path: `/applications/${key}/versions/${version}/promote${query}`,
    params: { application: key, version },
    token,
    body,
  });

describe('JFrog: POST /apptrust/api/v1/applications/{key}/versions/{version}/promote', () => {
  it('promotes from the stage before the target that holds the version: 201 synchronous, 200 async, and dry runs', async () => {
    const alice = await tokenFor('alice@example.com');
    const api = await createTestApi();
    const key = slugOf(api.definition.name);
    const dryRun = await jfrog(alice, key, '1.0.0', { target_stage: 'QA', promotion_type: 'dry_run' });
    expect(dryRun.status, JSON.stringify(dryRun.body)).toBe(201);
    expectConforms('/applications/{application_key}/versions/{version}/promote', 'post', dryRun);
    expect(dryRun.body).toMatchObject({
      source_stage: 'DEV',
      target_stage: 'QA',
      status: 'success',
      promotion_type: 'dry_run',
    });

    const promoted = await jfrog(alice, key, '1.0.0', {
      target_stage: 'QA',
      promotion_type: 'copy',
      included_repository_keys: ['endpoints', 'plans'],
      artifact_additional_properties: [{ key: 'release.status', value: ['approved'] }],
    });
    expect(promoted.status, JSON.stringify(promoted.body)).toBe(201);
    expectConforms('/applications/{application_key}/versions/{version}/promote', 'post', promoted);
    expect(promoted.body).toMatchObject({
      application_key: key,
      version: '1.0.0',
      source_stage: 'DEV',
      target_stage: 'QA',
      status: 'pending_approval',
      included_repository_keys: ['endpoints', 'plans'],
      artifact_additional_properties: { 'release.status': 'approved' },
      evaluations: { exit_gate: { decision: 'pass' }, entry_gate: { decision: 'pass' } },
    });

    const other = await createTestApi();
    const asynchronous = await jfrog(
      alice,
      slugOf(other.definition.name),
      '1.0.0',
      { target_stage: 'qa' },
      '?async=true',
    );
    expect(asynchronous.status).toBe(200);

    const refusals: [Awaited<ReturnType<typeof jfrog>>, number][] = [
      [await jfrog(alice, key, '9.9.9', { target_stage: 'QA' }), 404],
      [await jfrog(alice, key, '1.0.0', { target_stage: 'STAGING' }), 400],
      [
        await jfrog(alice, key, '1.0.0', {
          target_stage: 'QA',
          included_repository_keys: ['docker-prod-local'],
        }),
        400,
      ],
      [await jfrog(alice, key, '1.0.0', { target_stage: 'QA' }), 409],
    ];
    for (const [response, status] of refusals) {
      expect(response.status, JSON.stringify(response.body)).toBe(status);
      expect((response.body as { errors: { status: number }[] }).errors[0]!.status).toBe(status);
      expectConforms('/applications/{application_key}/versions/{version}/promote', 'post', response);
    }
  });
});

describe('one set of rules through every dialect', () => {
  it('each refusal is the same — status and denied audit events — through v1, Drone, Codefresh and JFrog', async () => {
    const tokens = {
      alice: await tokenFor('alice@example.com'),
      dave: await tokenFor('dave@example.com'),
      admin: await tokenFor('admin@example.com'),
    };
    type Attempt = (api: { id: string; slug: string }, token: string) => Promise<{ status: number }>;
    const faces: Record<string, (target: string, direct?: boolean) => Attempt | null> = {
      v1: (target, direct) => (api, token) =>
        call(v1PromoteRoute.POST, {
          method: 'POST',
          path: `/apis/${api.id}/promotions`,
          params: { id: api.id },
          token,
          body: { target, ...(direct && { mode: 'direct' }) },
        }),
      drone: (target, direct) =>
        direct ? null : (api, token) => promote(token, `dev/${api.slug}`, '1', `?target=${target}`),
      codefresh: (target, direct) => (api, token) => {
        const runtime = ['dev', 'qa'].includes(target) ? 'development' : 'production';
        const ids = {
          srcAppId: app('development', 'dev', api.slug),
          destAppId: app(runtime, target, api.slug),
        };
        return direct
          ? commit(token, { ...ids, message: 'Promote' })
          : pullRequest(token, { ...ids, head: 'main', title: 'Promote' });
      },
      jfrog: (target, direct) =>
        direct ? null : (api, token) => jfrog(token, api.slug, '1.0.0', { target_stage: target }),
    };
    const rules: {
      rule: string;
      token: string;
      target: string;
      direct?: boolean;
      before?: (api: { id: string }) => Promise<void>;
    }[] = [
      { rule: 'no permission (cannot see the source)', token: tokens.dave, target: 'qa' },
      {
        rule: 'duplicate pending request',
        token: tokens.alice,
        target: 'qa',
        before: async (api) => {
          await requestPromotion(await actorFor('alice@example.com'), { apiId: api.id, target: 'qa' });
        },
      },
      { rule: 'disallowed source', token: tokens.alice, target: 'prod' },
      {
        rule: 'self-approval (applied at once by the requester alone)',
        token: tokens.admin,
        target: 'qa',
        direct: true,
      },
    ];
    await updateEnvironmentSettings(await actorFor('admin@example.com'), {
      environmentId: await environmentId('prod'),
      allowedSources: ['demo'],
    });
    for (const { rule, token, target, direct, before } of rules) {
      const outcomes: Record<string, unknown> = {};
      for (const [face, make] of Object.entries(faces)) {
        const attempt = make(target, direct);
        if (!attempt) continue; // Drone and JFrog have no direct promotion to refuse.
        const api = await createTestApi();
        await before?.(api);
        const since = await lastAuditSeq();
        const response = await attempt({ id: api.id, slug: slugOf(api.definition.name) }, token);
        const events = (await auditEventsSince(since)).map((event) => [
          event.action,
          event.outcome,
          event.reason,
        ]);
        outcomes[face] = { status: response.status, events };
      }
      const expected = outcomes.v1 as { status: number };
      expect(expected.status, rule).toBeGreaterThanOrEqual(400);
      for (const [face, outcome] of Object.entries(outcomes)) {
        // Codefresh says "no changes" as 400, the others 422; every other refusal keeps its status.
        expect(outcome, `${rule} via ${face}`).toEqual(outcomes.v1);
      }
    }
  });
});
