import { beforeAll, describe, expect, it } from 'vitest';

import * as buildRoute from '@/app/api/repos/[namespace]/[name]/builds/[number]/route';
import * as promoteRoute from '@/app/api/repos/[namespace]/[name]/builds/[number]/promote/route';
import { slugOf } from '@/lib/dialects/drone';
import { auditEventsSince, lastAuditSeq } from '@/test/fixtures';

import { call, expectConforms, tokenFor } from './harness';

/** Issue 13: the seeds' own APIs over the same domain. Drone (seed 001) here. */

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
