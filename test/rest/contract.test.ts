import fs from 'node:fs';
import path from 'node:path';

import { eq } from 'drizzle-orm';
import { encode } from 'next-auth/jwt';
import { beforeAll, describe, expect, it } from 'vitest';

import * as apiRevisionsRoute from '@/app/api/v1/apis/[id]/revisions/route';
import * as auditExportRoute from '@/app/api/v1/audit/export/route';
import * as auditRoute from '@/app/api/v1/audit/route';
import * as auditVerifyRoute from '@/app/api/v1/audit/verify/route';
import * as droneRoute from '@/app/api/v1/apis/[id]/revisions/[revision]/promote/route';
import * as apiRoute from '@/app/api/v1/apis/[id]/route';
import * as definitionRoute from '@/app/api/v1/apis/[id]/definition/route';
import * as apiPromotionsRoute from '@/app/api/v1/apis/[id]/promotions/route';
import * as environmentApisRoute from '@/app/api/v1/environments/[env]/apis/route';
import * as environmentsRoute from '@/app/api/v1/environments/route';
import * as openapiRoute from '@/app/api/v1/openapi.json/route';
import * as acceptRoute from '@/app/api/v1/promotions/[id]/accept/route';
import * as cancelRoute from '@/app/api/v1/promotions/[id]/cancel/route';
import * as rejectRoute from '@/app/api/v1/promotions/[id]/reject/route';
import * as promotionRoute from '@/app/api/v1/promotions/[id]/route';
import * as promotionsRoute from '@/app/api/v1/promotions/route';
import { getDb } from '@/db';
import { definitionBodyBytes } from '@/lib/apis/definition-size';
import { noRequestContext } from '@/lib/auth/actor';
import { startSession } from '@/lib/auth/sessions';
import { apis, promotions, users } from '@/db/schema';
import { apiNamed, createTestApi, setApprovalPolicy } from '@/test/fixtures';

import { call, expectConforms, promote, tokenFor } from './harness';

let alice = '';
let bob = '';
let dave = '';
let carol = '';
let admin = '';

beforeAll(async () => {
  alice = await tokenFor('alice@example.com');
  bob = await tokenFor('bob@example.com');
  dave = await tokenFor('dave@example.com');
  carol = await tokenFor('carol@example.com');
  admin = await tokenFor('admin@example.com');
});

describe('authentication', () => {
  it('401 without a token, with a malformed one, and with an unknown one', async () => {
    for (const authorization of [undefined, 'Bearer nope', `Bearer stw_${'A'.repeat(43)}`, 'Basic abc']) {
      const response = await call(environmentsRoute.GET, { path: '/environments', authorization });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expectConforms('/environments', 'get', response);
    }
  });

  it('accepts the bare token, as the Codefresh seed sends it', async () => {
    const response = await call(environmentsRoute.GET, { path: '/environments', authorization: alice });
    expect(response.status).toBe(200);
  });

  it('a session cookie may read, and may change state only from the console’s own origin', async () => {
    const [user] = await getDb().select().from(users).where(eq(users.email, 'alice@example.com'));
    const sid = await startSession(getDb(), user!.id, 'password', noRequestContext);
    const cookie = `authjs.session-token=${await encode({
      token: { sub: user!.id, authMethod: 'password', sid },
      secret: process.env.AUTH_SECRET!,
      salt: 'authjs.session-token',
    })}`;
    const read = await call(environmentsRoute.GET, { path: '/environments', headers: { cookie } });
    expect(read.status).toBe(200);

    const api = await createTestApi();
    const crossSite = await call(apiPromotionsRoute.POST, {
      method: 'POST',
      path: `/apis/${api.id}/promotions`,
      params: { id: api.id },
      headers: { cookie, origin: 'https://evil.example.com', host: 'localhost' },
      body: { target: 'qa' },
    });
    expect(crossSite.status).toBe(403);
    expect((crossSite.body as { detail: string }).detail).toContain('use an API token');
    const sameSite = await call(apiPromotionsRoute.POST, {
      method: 'POST',
      path: `/apis/${api.id}/promotions`,
      params: { id: api.id },
      headers: { cookie, origin: 'http://localhost', host: 'localhost' },
      body: { target: 'qa' },
    });
    expect(sameSite.status).toBe(201);
  });
});

describe('environments and APIs', () => {
  it('GET /environments: only what the caller may see, by installation', async () => {
    const response = await call(environmentsRoute.GET, { path: '/environments', token: alice });
    expectConforms('/environments', 'get', response);
    expect(response.body).toEqual({
      installations: [
        {
          key: 'development',
          name: 'Development',
          environments: [{ key: 'dev', name: 'DEV', position: 10 }],
        },
      ],
    });
  });

  it('GET /environments/{env}/apis: 200, paged; 404 outside the caller’s reach', async () => {
    const ok = await call(environmentApisRoute.GET, {
      path: '/environments/qa/apis',
      params: { env: 'qa' },
      token: bob,
    });
    expectConforms('/environments/{env}/apis', 'get', ok);
    expect((ok.body as { items: { name: string }[] }).items.map((api) => api.name)).toEqual(
      expect.arrayContaining(['Customer Accounts', 'Payments']),
    );
    const hidden = await call(environmentApisRoute.GET, {
      path: '/environments/dev/apis',
      params: { env: 'dev' },
      token: bob,
    });
    expect(hidden.status).toBe(404);
    expectConforms('/environments/{env}/apis', 'get', hidden);
  });

  it('GET /apis/{id} and its revisions: 200; 404 for hidden or malformed ids', async () => {
    const payments = await apiNamed('dev', 'Payments');
    const ok = await call(apiRoute.GET, {
      path: `/apis/${payments.id}`,
      params: { id: payments.id },
      token: alice,
    });
    expectConforms('/apis/{id}', 'get', ok);
    expect(ok.body).toMatchObject({
      id: payments.id,
      crossId: payments.crossId,
      environment: { key: 'dev' },
    });

    const revisions = await call(apiRevisionsRoute.GET, {
      path: `/apis/${payments.id}/revisions`,
      params: { id: payments.id },
      token: alice,
    });
    expectConforms('/apis/{id}/revisions', 'get', revisions);
    expect((revisions.body as { items: { revision: number }[] }).items.map((r) => r.revision)).toEqual([
      3, 2, 1,
    ]);

    for (const id of [payments.id, 'not-a-uuid']) {
      const hidden = await call(apiRoute.GET, { path: `/apis/${id}`, params: { id }, token: bob });
      expect(hidden.status).toBe(404);
      expectConforms('/apis/{id}', 'get', hidden);
    }
  });
});

describe('PUT /apis/{id}/definition', () => {
  const put = (
    token: string,
    id: string,
    body: unknown,
    extra: { headers?: Record<string, string>; rawBody?: string } = {},
  ) =>
    call(definitionRoute.PUT, {
      method: 'PUT',
      path: `/apis/${id}/definition`,
      params: { id },
      token,
      body,
      ...extra,
    });

  it('200: makes the next revision and returns it', async () => {
    const api = await createTestApi();
    const response = await put(alice, api.id, {
      definition: { ...api.definition, version: '1.1.0' },
      message: 'From CI',
    });
    expectConforms('/apis/{id}/definition', 'put', response);
    expect(response.body).toMatchObject({
      apiId: api.id,
      revision: 2,
      message: 'From CI',
      definition: { version: '1.1.0' },
    });
  });

  it('400 names every invalid field; 400 for malformed JSON; 415 for other media; 413 past the definition body limit', async () => {
    const api = await createTestApi();
    const invalid = await put(alice, api.id, {
      definition: { ...api.definition, contextPath: 'nope', endpoints: [] },
    });
    expectConforms('/apis/{id}/definition', 'put', invalid);
    expect(invalid.status).toBe(400);
    expect(Object.keys((invalid.body as { errors: object }).errors)).toEqual(
      expect.arrayContaining(['contextPath', 'endpoints']),
    );

    const malformed = await put(alice, api.id, undefined, {
      rawBody: '{"definition": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expectConforms('/apis/{id}/definition', 'put', malformed);

    const text = await put(alice, api.id, undefined, {
      rawBody: 'definition=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    expectConforms('/apis/{id}/definition', 'put', text);

    const huge = await put(alice, api.id, {
      definition: { ...api.definition, description: 'x'.repeat(definitionBodyBytes + 1) },
    });
    expect(huge.status).toBe(413);
    expectConforms('/apis/{id}/definition', 'put', huge);

    const [row] = await getDb().select().from(apis).where(eq(apis.id, api.id));
    expect(row!.currentRevision).toBe(1);
  });

  it('403 for a caller who sees but may not change it; 404 for one who cannot see it', async () => {
    const qaPayments = await apiNamed('qa', 'Payments');
    const forbidden = await put(dave, qaPayments.id, {
      definition: { ...qaPayments.definition, version: '9.0.0' },
    });
    expect(forbidden.status).toBe(403);
    expectConforms('/apis/{id}/definition', 'put', forbidden);
    const hidden = await put(carol, qaPayments.id, { definition: qaPayments.definition });
    expect(hidden.status).toBe(404);
    expectConforms('/apis/{id}/definition', 'put', hidden);
  });

  it('409 when the API moved past baseRevision; 422 when nothing changes', async () => {
    const api = await createTestApi();
    await put(alice, api.id, { definition: { ...api.definition, version: '1.1.0' } });
    const stale = await put(alice, api.id, {
      definition: { ...api.definition, version: '1.2.0' },
      baseRevision: 1,
    });
    expect(stale.status).toBe(409);
    expectConforms('/apis/{id}/definition', 'put', stale);
    const same = await put(alice, api.id, { definition: { ...api.definition, version: '1.1.0' } });
    expect(same.status).toBe(422);
    expectConforms('/apis/{id}/definition', 'put', same);
  });
});

describe('POST /apis/{id}/promotions', () => {
  it('201: a request, with Location and the full promotion', async () => {
    const api = await createTestApi();
    const response = await promote(alice, api.id, {
      target: 'qa',
      title: 'Release 1.0',
      message: 'Please review',
      description: 'First release',
      parameters: { ticket: 'CHG-1' },
      properties: { region: 'eu' },
      exclude: ['pages'],
    });
    expectConforms('/apis/{id}/promotions', 'post', response);
    expect(response.status).toBe(201);
    const body = response.body as { id: string };
    expect(response.headers.get('location')).toBe(`/api/v1/promotions/${body.id}`);
    expect(response.body).toMatchObject({
      apiId: api.id,
      crossId: api.crossId,
      revision: 1,
      source: { key: 'dev', name: 'DEV' },
      target: { key: 'qa', name: 'QA' },
      mode: 'request',
      type: 'copy',
      status: 'pending',
      action: 'create',
      title: 'Release 1.0',
      description: 'First release',
      parameters: { ticket: 'CHG-1' },
      properties: { region: 'eu' },
      excluded: ['pages'],
      exit_gate: { stage: 'exit', decision: 'pass', violated_policies: [] },
      entry_gate: { stage: 'entry', decision: 'pass', violated_policies: [] },
      justification: null,
      decidedBy: null,
      result: null,
    });
  });

  it('201: direct applies now where allowed (Codefresh "commit")', async () => {
    const api = await createTestApi({ owner: 'admin@example.com' });
    const refused = await promote(admin, api.id, { target: 'qa', mode: 'direct' });
    expect(refused.status).toBe(403);
    expectConforms('/apis/{id}/promotions', 'post', refused);
    await setApprovalPolicy('qa', { approvalsRequired: 1, selfApprovalAllowed: true });
    const response = await promote(admin, api.id, { target: 'qa', mode: 'direct' });
    await setApprovalPolicy('qa', { approvalsRequired: 1 });
    expectConforms('/apis/{id}/promotions', 'post', response);
    expect(response.body).toMatchObject({
      status: 'accepted',
      mode: 'direct',
      result: { action: 'created', revision: 1 },
    });
  });

  it('200: a dry run writes nothing', async () => {
    const payments = await apiNamed('dev', 'Payments');
    const response = await promote(admin, payments.id, { target: 'qa', type: 'dry_run' });
    expectConforms('/apis/{id}/promotions', 'post', response);
    expect(response.body).toMatchObject({
      dryRun: true,
      action: 'update',
      revision: 3,
      targetReadable: true,
      targetRevision: 1,
      diff: {
        action: 'update',
        parts: expect.arrayContaining([
          {
            part: 'general',
            changes: [{ path: 'version', kind: 'changed', before: '2.2.0', after: '2.3.0' }],
          },
          expect.objectContaining({ part: 'plans' }),
          {
            part: 'properties',
            changes: [
              { path: 'properties[timeout.ms].value', kind: 'changed', before: '8000', after: '5000' },
            ],
          },
        ]),
      },
    });
    const alices = await promote(alice, payments.id, { target: 'qa', type: 'dry_run' });
    expectConforms('/apis/{id}/promotions', 'post', alices);
    expect(alices.body).toMatchObject({
      targetReadable: false,
      targetRevision: null,
      changes: null,
      diff: null,
    });
    expect(await getDb().select().from(promotions).where(eq(promotions.apiId, payments.id))).toEqual([]);
  });

  it('400, 403, 404, 409, 415, 422 as the issue lists them', async () => {
    const api = await createTestApi();
    const invalid = await promote(alice, api.id, { target: 'qa', mode: 'sometime', include: ['everything'] });
    expect(invalid.status).toBe(400);
    expect(Object.keys((invalid.body as { errors: object }).errors)).toEqual(
      expect.arrayContaining(['mode', 'include.0']),
    );
    expectConforms('/apis/{id}/promotions', 'post', invalid);

    const missingTarget = await promote(alice, api.id, {});
    expect(missingTarget.status).toBe(400);
    expect((missingTarget.body as { errors: object }).errors).toHaveProperty('target');

    const directToProd = await promote(admin, (await createTestApi({ owner: 'admin@example.com' })).id, {
      target: 'prod',
      mode: 'direct',
    });
    expect(directToProd.status).toBe(403);
    expectConforms('/apis/{id}/promotions', 'post', directToProd);

    const hidden = await promote(bob, api.id, { target: 'qa' });
    expect(hidden.status).toBe(404);
    expectConforms('/apis/{id}/promotions', 'post', hidden);

    const first = await promote(alice, api.id, { target: 'qa' });
    const second = await promote(alice, api.id, { target: 'qa' });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ existingPromotionId: (first.body as { id: string }).id });
    expectConforms('/apis/{id}/promotions', 'post', second);

    const accounts = await apiNamed('dev', 'Customer Accounts');
    const unchanged = await promote(admin, accounts.id, { target: 'qa', revision: 2 });
    expect(unchanged.status).toBe(422);
    expect((unchanged.body as { detail: string }).detail).toContain(
      'No changes found between source and destination',
    );
    expectConforms('/apis/{id}/promotions', 'post', unchanged);

    const notJson = await call(apiPromotionsRoute.POST, {
      method: 'POST',
      path: `/apis/${api.id}/promotions`,
      params: { id: api.id },
      token: alice,
      rawBody: 'target=qa',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(notJson.status).toBe(415);
    expectConforms('/apis/{id}/promotions', 'post', notJson);
  });
});

describe('POST /apis/{id}/revisions/{n}/promote (Drone)', () => {
  it('promotes revision 2 to QA with the query parameters as promotion parameters', async () => {
    const payments = await apiNamed('dev', 'Payments');
    const response = await call(droneRoute.POST, {
      method: 'POST',
      path: `/apis/${payments.id}/revisions/1/promote?target=demo&DEPLOY_ENV=demo&build=42`,
      params: { id: payments.id, revision: '1' },
      token: alice,
    });
    expectConforms('/apis/{id}/revisions/{revision}/promote', 'post', response);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      revision: 1,
      target: { key: 'demo' },
      parameters: { DEPLOY_ENV: 'demo', build: '42' },
    });

    const missing = await call(droneRoute.POST, {
      method: 'POST',
      path: `/apis/${payments.id}/revisions/1/promote`,
      params: { id: payments.id, revision: '1' },
      token: alice,
    });
    expect(missing.status).toBe(400);
    expectConforms('/apis/{id}/revisions/{revision}/promote', 'post', missing);

    const unknownRevision = await call(droneRoute.POST, {
      method: 'POST',
      path: `/apis/${payments.id}/revisions/99/promote?target=prod`,
      params: { id: payments.id, revision: '99' },
      token: alice,
    });
    expect(unknownRevision.status).toBe(404);
    expectConforms('/apis/{id}/revisions/{revision}/promote', 'post', unknownRevision);
  });
});

describe('promotions: list, get, accept, reject, cancel', () => {
  it('the inbox, one promotion, and the decisions with their refusals', async () => {
    const api = await createTestApi();
    const other = await createTestApi();
    const created = (await promote(alice, api.id, { target: 'qa', parameters: { ticket: 'T-1' } })).body as {
      id: string;
    };
    const toCancel = (await promote(alice, other.id, { target: 'qa' })).body as { id: string };

    const inbox = await call(promotionsRoute.GET, {
      path: '/promotions?status=pending&target=qa',
      token: bob,
    });
    expectConforms('/promotions', 'get', inbox);
    expect((inbox.body as { items: { id: string }[] }).items.map((item) => item.id)).toEqual(
      expect.arrayContaining([created.id, toCancel.id]),
    );
    const aliceInbox = await call(promotionsRoute.GET, { path: '/promotions?status=pending', token: alice });
    expect((aliceInbox.body as { items: unknown[] }).items).toEqual([]);
    const mine = await call(promotionsRoute.GET, { path: `/promotions?apiId=${api.id}`, token: alice });
    expect((mine.body as { items: { id: string }[] }).items.map((item) => item.id)).toEqual([created.id]);
    const badFilter = await call(promotionsRoute.GET, { path: '/promotions?status=maybe', token: alice });
    expect(badFilter.status).toBe(400);
    expectConforms('/promotions', 'get', badFilter);

    const one = await call(promotionRoute.GET, {
      path: `/promotions/${created.id}`,
      params: { id: created.id },
      token: bob,
    });
    expectConforms('/promotions/{id}', 'get', one);
    const hidden = await call(promotionRoute.GET, {
      path: `/promotions/${created.id}`,
      params: { id: created.id },
      token: carol,
    });
    expect(hidden.status).toBe(404);
    expectConforms('/promotions/{id}', 'get', hidden);

    const post = (handler: unknown, path: string, id: string, token: string, body?: unknown) =>
      call(handler, { method: 'POST', path: `/promotions/${id}/${path}`, params: { id }, token, body });

    const selfAccept = await post(acceptRoute.POST, 'accept', created.id, alice);
    expect(selfAccept.status).toBe(403);
    expectConforms('/promotions/{id}/accept', 'post', selfAccept);
    const outsider = await post(acceptRoute.POST, 'accept', created.id, carol);
    expect(outsider.status).toBe(404);
    expectConforms('/promotions/{id}/accept', 'post', outsider);
    const tooLong = await post(acceptRoute.POST, 'accept', created.id, bob, { comment: 'x'.repeat(3000) });
    expect(tooLong.status).toBe(400);
    expectConforms('/promotions/{id}/accept', 'post', tooLong);

    const accepted = await post(acceptRoute.POST, 'accept', created.id, bob, { comment: 'Ship it' });
    expectConforms('/promotions/{id}/accept', 'post', accepted);
    expect(accepted.body).toMatchObject({
      status: 'accepted',
      decidedBy: { name: 'Bob Approver' },
      reason: 'Ship it',
      result: { action: 'created' },
    });
    const again = await post(rejectRoute.POST, 'reject', created.id, bob, { reason: 'Too late' });
    expect(again.status).toBe(409);
    expectConforms('/promotions/{id}/reject', 'post', again);

    const cancelByOther = await post(cancelRoute.POST, 'cancel', toCancel.id, bob);
    expect(cancelByOther.status).toBe(403);
    expectConforms('/promotions/{id}/cancel', 'post', cancelByOther);
    const cancelled = await post(cancelRoute.POST, 'cancel', toCancel.id, alice);
    expectConforms('/promotions/{id}/cancel', 'post', cancelled);
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    const cancelAgain = await post(cancelRoute.POST, 'cancel', toCancel.id, alice);
    expect(cancelAgain.status).toBe(409);
    expectConforms('/promotions/{id}/cancel', 'post', cancelAgain);

    const third = (await promote(alice, (await createTestApi()).id, { target: 'qa' })).body as { id: string };
    const rejected = await post(rejectRoute.POST, 'reject', third.id, bob, { reason: 'Missing docs' });
    expectConforms('/promotions/{id}/reject', 'post', rejected);
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: 'Missing docs' });
  });
});

describe('audit endpoints', () => {
  it('lists, exports and verifies the trail the caller may read', async () => {
    const api = await createTestApi();
    const requested = (await promote(alice, api.id, { target: 'qa' })).body as { id: string };

    const list = await call(auditRoute.GET, {
      path: '/audit?action=promotion.requested&environment=qa',
      token: bob,
    });
    expectConforms('/audit', 'get', list);
    const items = (
      list.body as { items: { action: string; target: { id: string }; actor: { name: string } }[] }
    ).items;
    expect(items[0]).toMatchObject({
      action: 'promotion.requested',
      target: { id: requested.id },
      actor: { name: expect.stringContaining('Alice Publisher') },
    });
    expect(items.every((item) => item.action === 'promotion.requested')).toBe(true);

    const invalid = await call(auditRoute.GET, { path: '/audit?outcome=maybe', token: admin });
    expect(invalid.status).toBe(400);
    expectConforms('/audit', 'get', invalid);
    const outOfReach = await call(auditRoute.GET, { path: '/audit', token: alice });
    expect(outOfReach.status).toBe(404);
    expectConforms('/audit', 'get', outOfReach);

    const ndjson = await call(auditExportRoute.GET, {
      path: '/audit/export?format=ndjson&action=promotion.requested',
      token: admin,
    }).catch((error) => error);
    expect(ndjson.status).toBe(200);
    expect(ndjson.contentType).toContain('application/x-ndjson');
    const badFormat = await call(auditExportRoute.GET, { path: '/audit/export?format=xml', token: admin });
    expect(badFormat.status).toBe(400);
    expectConforms('/audit/export', 'get', badFormat);

    const verified = await call(auditVerifyRoute.GET, { path: '/audit/verify', token: admin });
    expectConforms('/audit/verify', 'get', verified);
    expect(verified.body).toMatchObject({ isIntact: true, firstBreak: null });
  });
});

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document describing every endpoint and method the code serves', async () => {
    const response = openapiRoute.GET();
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, object>>;
    };
    expect(document.openapi).toBe('3.1.0');
    const root = path.resolve('app/api/v1');
    const served: string[] = [];
    const documented: string[] = [];
    const files = fs
      .readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('route.ts'));
    for (const file of files) {
      const route = `/${path.dirname(file)}`.replace(/\[(\w+)\]/g, '{$1}');
      if (route === '/openapi.json') continue;
      const handlers = (await import(path.join(root, file))) as Record<string, unknown>;
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
        if (typeof handlers[method] === 'function') served.push(`${method} ${route}`);
      }
    }
    for (const [route, operations] of Object.entries(document.paths)) {
      // Paths with a server of their own are the dialects, outside /api/v1.
      if ('servers' in operations) continue;
      for (const method of Object.keys(operations)) documented.push(`${method.toUpperCase()} ${route}`);
    }
    expect(served.length).toBeGreaterThan(40);
    expect(documented.sort()).toEqual(served.sort());
  });
});
