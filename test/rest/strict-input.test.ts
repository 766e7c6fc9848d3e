import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import * as unknownApiPath from '@/app/api/[...path]/route';
import * as dronePromoteRoute from '@/app/api/v1/apis/[id]/revisions/[revision]/promote/route';
import { openApiDocument } from '@/lib/http/openapi';
import { createGroup } from '@/lib/groups/group-writes';
import { requestPromotion } from '@/lib/promotions/request-promotion';
import { createWebhook } from '@/lib/webhooks/webhook-writes';
import { actorFor, apiNamed, auditEventsSince, lastAuditSeq, userIdOf } from '@/test/fixtures';

import { call, expectConforms, tokenFor } from './harness';

/**
 * Issue 13: request bodies are strict (an unknown field is a 400 naming it, on every write the OpenAPI
 * document lists), the Drone-like route keeps its options out of the parameters, and an /api path that
 * does not exist is a problem+json 404.
 */

let admin = '';
const values: Record<string, string> = {};

beforeAll(async () => {
  admin = await tokenFor('admin@example.com');
  const adminActor = await actorFor('admin@example.com');
  const payments = await apiNamed('dev', 'Payments');
  const promotion = await requestPromotion(await actorFor('alice@example.com'), {
    apiId: (await apiNamed('dev', 'Notifications')).id,
    target: 'qa',
  });
  Object.assign(values, {
    id: payments.id,
    revision: String(payments.currentRevision),
    env: 'qa',
    installation: 'development',
    user: await userIdOf('erin@example.com'),
    group: (await createGroup(adminActor, { environment: 'qa', name: 'Strict' }))!.id,
  });
  values.promotion = promotion.id;
  values.webhook = (
    await createWebhook(
      adminActor,
      { environment: 'qa' },
      { url: 'https://hooks.example.com/strict', events: ['promotion.accepted'] },
    )
  ).webhook.id;
});

describe('strict request bodies', () => {
  it('every documented write refuses an unknown field by name (400), changing nothing', async () => {
    const document = openApiDocument() as { paths: Record<string, Record<string, { requestBody?: object }>> };
    const writes = Object.entries(document.paths).flatMap(([route, operations]) =>
      // The dialects (own server) take what their products take: Drone's fields are all parameters.
      ('servers' in operations ? [] : Object.entries(operations))
        .filter(([, operation]) => operation.requestBody)
        .map(([method]) => ({ route, method: method.toUpperCase() })),
    );
    expect(writes.length).toBeGreaterThanOrEqual(18);
    for (const { route, method } of writes) {
      const params: Record<string, string> = {};
      const concrete = route.replace(/\{(\w+)\}/g, (_, name: string) => {
        params[name] = route.startsWith('/promotions/') && name === 'id' ? values.promotion! : values[name]!;
        return params[name]!;
      });
      const file = path.join('@/app/api/v1', route.replace(/\{(\w+)\}/g, '[$1]'), 'route');
      const handlers = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
      const since = await lastAuditSeq();
      const response = await call(handlers[method], {
        method,
        path: concrete,
        params,
        token: admin,
        body: { 'bogus-field': true },
      });
      expect(response.status, `${method} ${route}: ${JSON.stringify(response.body)}`).toBe(400);
      expect(
        (response.body as { errors: Record<string, string[]> }).errors['bogus-field'],
        `${method} ${route}`,
      ).toEqual(['Unknown field']);
      expectConforms(route, method, response);
      expect(
        (await auditEventsSince(since)).filter((event) => event.outcome === 'success'),
        `${method} ${route}`,
      ).toEqual([]);
    }
  });

  it('names unknown fields at any depth, next to the other problems', async () => {
    const { PUT } = await import('@/app/api/v1/environments/[env]/policy/route');
    const response = await call(PUT, {
      method: 'PUT',
      path: '/environments/qa/policy',
      params: { env: 'qa' },
      token: admin,
      body: { approvalsRequired: 0, rules: [{ kind: 'role', role: 'APPROVER', count: 1, weight: 2 }] },
    });
    expect(response.status).toBe(400);
    expect((response.body as { errors: Record<string, string[]> }).errors).toMatchObject({
      approvalsRequired: expect.any(Array),
      'rules.0.weight': ['Unknown field'],
    });
    // A key every object inherits is still unknown when sent.
    const proto = await call(PUT, {
      method: 'PUT',
      path: '/environments/qa/policy',
      params: { env: 'qa' },
      token: admin,
      rawBody: '{"approvalsRequired": 1, "__proto__": {"isOrgAdmin": true}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(proto.status).toBe(400);
    expect(JSON.stringify((proto.body as { errors: unknown }).errors)).toBe(
      '{"__proto__":["Unknown field"]}',
    );
  });
});

describe('what a GET gives, its PUT takes back', () => {
  it('an environment policy read and written back unchanged is "no changes", not an unknown field', async () => {
    const route = await import('@/app/api/v1/environments/[env]/policy/route');
    for (const env of ['dev', 'qa', 'demo', 'prod']) {
      const read = await call(route.GET, {
        path: `/environments/${env}/policy`,
        params: { env },
        token: admin,
      });
      const { environment: _environment, version: _version, ...terms } = read.body as Record<string, unknown>;
      const written = await call(route.PUT, {
        method: 'PUT',
        path: `/environments/${env}/policy`,
        params: { env },
        token: admin,
        body: terms,
      });
      expect(written.status, `${env}: ${JSON.stringify(written.body)}`).toBe(422);
    }
  });
});

describe('the Drone-like route', () => {
  it('keeps its options (target, mode, type, async) out of the promotion’s parameters', async () => {
    const alice = await tokenFor('alice@example.com');
    const orders = await apiNamed('dev', 'Order Tracking');
    const response = await call(dronePromoteRoute.POST, {
      method: 'POST',
      path: `/apis/${orders.id}/revisions/1/promote?target=qa&mode=request&type=copy&async=false&ticket=OPS-7`,
      params: { id: orders.id, revision: '1' },
      token: alice,
    });
    expect(response.status).toBe(201);
    expect((response.body as { parameters: Record<string, string> }).parameters).toEqual({ ticket: 'OPS-7' });
    const dryRun = await call(dronePromoteRoute.POST, {
      method: 'POST',
      path: `/apis/${orders.id}/revisions/1/promote?target=demo&type=dry_run`,
      params: { id: orders.id, revision: '1' },
      token: alice,
    });
    expect(dryRun.status).toBe(200);
    expectConforms('/apis/{id}/revisions/{revision}/promote', 'post', dryRun);
  });
});

describe('an /api path that does not exist', () => {
  it('answers 404 problem+json for every method, never the console’s page', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      const response = await unknownApiPath[method](
        new Request('http://localhost/api/v2/nothing/here', { method }),
      );
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toMatchObject({
        status: 404,
        detail: `There is no ${method} /api/v2/nothing/here in this API. See /api/v1/openapi.json.`,
      });
    }
  });
});
