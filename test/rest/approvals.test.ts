import { beforeAll, describe, expect, it } from 'vitest';

import * as policyRoute from '@/app/api/v1/environments/[env]/policy/route';
import * as definitionRoute from '@/app/api/v1/apis/[id]/definition/route';
import * as approveRoute from '@/app/api/v1/promotions/[id]/approve/route';
import * as promotionRoute from '@/app/api/v1/promotions/[id]/route';
import * as updateRoute from '@/app/api/v1/promotions/[id]/update/route';
import { createTestApi } from '@/test/fixtures';

import { call, promote, expectConforms, tokenFor } from './harness';

let alice = '';
let bob = '';
let admin = '';

beforeAll(async () => {
  alice = await tokenFor('alice@example.com');
  bob = await tokenFor('bob@example.com');
  admin = await tokenFor('admin@example.com');
});

const putPolicy = (token: string, env: string, body: unknown) =>
  call(policyRoute.PUT, { method: 'PUT', path: `/environments/${env}/policy`, params: { env }, token, body });
const post = (handler: unknown, path: string, id: string, token: string, body?: unknown) =>
  call(handler, { method: 'POST', path: `/promotions/${id}/${path}`, params: { id }, token, body });

describe('approval policies over REST', () => {
  it('GET and PUT /environments/{env}/policy, with their refusals', async () => {
    const prod = await call(policyRoute.GET, {
      path: '/environments/prod/policy',
      params: { env: 'prod' },
      token: admin,
    });
    expectConforms('/environments/{env}/policy', 'get', prod);
    expect(prod.body).toMatchObject({
      environment: { key: 'prod' },
      approvalsRequired: 2,
      authorsMayNotApprove: true,
      rules: [{ kind: 'group', name: 'Release managers', count: 1 }],
    });
    const hidden = await call(policyRoute.GET, {
      path: '/environments/prod/policy',
      params: { env: 'prod' },
      token: alice,
    });
    expect(hidden.status).toBe(404);
    expectConforms('/environments/{env}/policy', 'get', hidden);

    const updated = await putPolicy(admin, 'demo', { approvalsRequired: 1, expiryHours: 72 });
    expectConforms('/environments/{env}/policy', 'put', updated);
    expect(updated.body).toMatchObject({ approvalsRequired: 1, expiryHours: 72, version: 2 });
    const same = await putPolicy(admin, 'demo', { approvalsRequired: 1, expiryHours: 72 });
    expect(same.status).toBe(422);
    expectConforms('/environments/{env}/policy', 'put', same);
    const invalid = await putPolicy(admin, 'demo', { approvalsRequired: 0, rules: [{ kind: 'team' }] });
    expect(invalid.status).toBe(400);
    expect(Object.keys((invalid.body as { errors: object }).errors)).toEqual(
      expect.arrayContaining(['approvalsRequired']),
    );
    expectConforms('/environments/{env}/policy', 'put', invalid);
    const forbidden = await putPolicy(bob, 'qa', { approvalsRequired: 2 });
    expect(forbidden.status).toBe(403);
    expectConforms('/environments/{env}/policy', 'put', forbidden);
  });

  it('approve shows progress until the policy is met; update starts the approvals again', async () => {
    await putPolicy(admin, 'qa', { approvalsRequired: 2 });
    try {
      const api = await createTestApi();
      const created = await promote(alice, api.id, { target: 'qa' });
      const id = (created.body as { id: string }).id;

      const first = await post(approveRoute.POST, 'approve', id, bob, { comment: 'Looks right' });
      expectConforms('/promotions/{id}/approve', 'post', first);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        status: 'pending',
        approvals: {
          required: 2,
          count: 1,
          met: false,
          items: [{ user: { name: 'Bob Approver' }, comment: 'Looks right', counts: true }],
        },
      });
      const twice = await post(approveRoute.POST, 'approve', id, bob);
      expect(twice.status).toBe(409);
      expect(twice.body).toMatchObject({ detail: 'You have already approved this promotion.' });
      expectConforms('/promotions/{id}/approve', 'post', twice);

      // The source moves on: alice brings her request up to date; bob's approval stays behind.
      await call(definitionRoute.PUT, {
        method: 'PUT',
        path: `/apis/${api.id}/definition`,
        params: { id: api.id },
        token: alice,
        body: { definition: { ...api.definition, version: '1.0.1' }, baseRevision: 1 },
      });
      const stale = await call(promotionRoute.GET, { path: `/promotions/${id}`, params: { id }, token: bob });
      expectConforms('/promotions/{id}', 'get', stale);
      expect(stale.body).toMatchObject({
        revision: 1,
        sourceRevisionNow: 2,
        supersededBy: null,
        // What approving would do to QA now: create the API, every part added.
        diff: {
          action: 'create',
          parts: expect.arrayContaining([expect.objectContaining({ part: 'general' })]),
        },
      });
      const notYours = await post(updateRoute.POST, 'update', id, bob);
      expect(notYours.status).toBe(403);
      expectConforms('/promotions/{id}/update', 'post', notYours);
      const renewed = await post(updateRoute.POST, 'update', id, alice);
      expectConforms('/promotions/{id}/update', 'post', renewed);
      expect(renewed.status).toBe(201);
      const next = renewed.body as { id: string };
      expect(renewed.body).toMatchObject({ revision: 2, supersedes: id, approvals: { count: 0, items: [] } });
      const old = await call(promotionRoute.GET, { path: `/promotions/${id}`, params: { id }, token: bob });
      expect(old.body).toMatchObject({ status: 'superseded', supersededBy: next.id });

      await post(approveRoute.POST, 'approve', next.id, bob);
      const done = await post(approveRoute.POST, 'approve', next.id, admin);
      expectConforms('/promotions/{id}/approve', 'post', done);
      expect(done.body).toMatchObject({
        status: 'accepted',
        approvals: { count: 2, met: true },
        result: { action: 'created' },
      });
    } finally {
      await putPolicy(admin, 'qa', { approvalsRequired: 1 });
    }
  });

  it('gates over REST: set in the policy, shown in the JFrog shape, a fail answered 422 with the violated rules', async () => {
    const set = await putPolicy(admin, 'qa', {
      approvalsRequired: 1,
      entryGate: [{ rule: 'plans-secured', mode: 'fail' }],
    });
    expectConforms('/environments/{env}/policy', 'put', set);
    expect(set.body).toMatchObject({ entryGate: [{ rule: 'plans-secured', mode: 'fail' }] });
    try {
      const api = await createTestApi(); // its one plan is keyless
      const preview = await promote(alice, api.id, { target: 'qa', type: 'dry_run' });
      expectConforms('/apis/{id}/promotions', 'post', preview);
      expect(preview.body).toMatchObject({
        exit_gate: { stage: 'exit', decision: 'pass' },
        entry_gate: {
          stage: 'entry',
          decision: 'fail',
          violated_policies: [
            {
              rule_name: 'plans-secured',
              policy_id: 'qa:entry',
              decision: 'fail',
              resources_evaluated: { pass: 0, warn: 0, fail: 1 },
            },
          ],
        },
      });
      const refused = await promote(alice, api.id, { target: 'qa' });
      expect(refused.status).toBe(422);
      expectConforms('/apis/{id}/promotions', 'post', refused);
      expect(refused.body).toMatchObject({
        entry_gate: 'fail',
        violated_policies: [
          { rule_name: 'plans-secured', decision: 'fail', explanation: 'Keyless plans: Open.' },
        ],
      });
    } finally {
      await putPolicy(admin, 'qa', { approvalsRequired: 1 });
    }
  });
});
