import { beforeAll, describe, expect, it } from 'vitest';

import * as environmentRoute from '@/app/api/v1/environments/[env]/route';
import * as environmentsRoute from '@/app/api/v1/environments/route';
import * as lifecycleRoute from '@/app/api/v1/installations/[installation]/lifecycle/route';
import * as installationRoute from '@/app/api/v1/installations/[installation]/route';
import * as installationsRoute from '@/app/api/v1/installations/route';
import { auditEventsSince, lastAuditSeq } from '@/test/fixtures';

import { call, expectConforms, tokenFor } from './harness';

let admin = '';
let bob = '';

beforeAll(async () => {
  admin = await tokenFor('admin@example.com');
  bob = await tokenFor('bob@example.com');
});

describe('administering environments over REST', () => {
  it('an admin creates an installation and an environment, reorders, changes settings and deletes it', async () => {
    const installation = await call(installationsRoute.POST, {
      method: 'POST',
      path: '/installations',
      token: admin,
      body: { key: 'edge', name: 'Edge' },
    });
    expect(installation.status).toBe(201);
    expectConforms('/installations', 'post', installation);

    const created = await call(environmentsRoute.POST, {
      method: 'POST',
      path: '/environments',
      token: admin,
      body: { key: 'edge-eu', name: 'EDGE EU', installation: 'edge' },
    });
    expect(created).toMatchObject({
      status: 201,
      body: {
        key: 'edge-eu',
        installation: { key: 'edge' },
        directPromotionAllowed: false,
        allowedSources: null,
      },
    });
    expectConforms('/environments', 'post', created);
    await call(environmentsRoute.POST, {
      method: 'POST',
      path: '/environments',
      token: admin,
      body: { key: 'edge-us', name: 'EDGE US', installation: 'edge' },
    });

    const reordered = await call(lifecycleRoute.PUT, {
      method: 'PUT',
      path: '/installations/edge/lifecycle',
      params: { installation: 'edge' },
      token: admin,
      body: { environments: ['edge-us', 'edge-eu'] },
    });
    expect(reordered).toMatchObject({ status: 200, body: { environments: ['edge-us', 'edge-eu'] } });
    expectConforms('/installations/{installation}/lifecycle', 'put', reordered);

    const patched = await call(environmentRoute.PATCH, {
      method: 'PATCH',
      path: '/environments/edge-eu',
      params: { env: 'edge-eu' },
      token: admin,
      body: { name: 'Edge Europe', allowedSources: ['edge-us'], directPromotionAllowed: true },
    });
    expect(patched).toMatchObject({
      status: 200,
      body: { name: 'Edge Europe', allowedSources: ['edge-us'], directPromotionAllowed: true },
    });
    expectConforms('/environments/{env}', 'patch', patched);
    const read = await call(environmentRoute.GET, {
      path: '/environments/edge-eu',
      params: { env: 'edge-eu' },
      token: admin,
    });
    expectConforms('/environments/{env}', 'get', read);

    const renamed = await call(installationRoute.PATCH, {
      method: 'PATCH',
      path: '/installations/edge',
      params: { installation: 'edge' },
      token: admin,
      body: { name: 'Edge sites' },
    });
    expect(renamed).toMatchObject({ status: 200, body: { key: 'edge', name: 'Edge sites' } });
    expectConforms('/installations/{installation}', 'patch', renamed);

    const deleted = await call(environmentRoute.DELETE, {
      method: 'DELETE',
      path: '/environments/edge-us',
      params: { env: 'edge-us' },
      token: admin,
    });
    expect(deleted.status).toBe(204);
    expectConforms('/environments/{env}', 'delete', deleted);
  });

  it('refusals: 400 by field, 409 with the reason, 422 when nothing changes, and 404 (audited) for anyone but an admin', async () => {
    const invalid = await call(environmentsRoute.POST, {
      method: 'POST',
      path: '/environments',
      token: admin,
      body: { key: 'Bad Key', name: '', installation: 'development' },
    });
    expect(invalid).toMatchObject({
      status: 400,
      body: { errors: { key: [expect.any(String)], name: ['Required'] } },
    });
    expectConforms('/environments', 'post', invalid);

    const inUse = await call(environmentRoute.DELETE, {
      method: 'DELETE',
      path: '/environments/dev',
      params: { env: 'dev' },
      token: admin,
    });
    expect(inUse).toMatchObject({
      status: 409,
      body: { detail: expect.stringContaining('DEV cannot be deleted: it holds') },
    });
    expectConforms('/environments/{env}', 'delete', inUse);

    const same = await call(lifecycleRoute.PUT, {
      method: 'PUT',
      path: '/installations/development/lifecycle',
      params: { installation: 'development' },
      token: admin,
      body: { environments: ['dev', 'qa'] },
    });
    expect(same.status).toBe(422);
    expectConforms('/installations/{installation}/lifecycle', 'put', same);

    const since = await lastAuditSeq();
    const attempts = [
      await call(installationsRoute.POST, {
        method: 'POST',
        path: '/installations',
        token: bob,
        body: { key: 'x' },
      }),
      await call(environmentsRoute.POST, { method: 'POST', path: '/environments', token: bob, body: {} }),
      await call(environmentRoute.DELETE, {
        method: 'DELETE',
        path: '/environments/qa',
        params: { env: 'qa' },
        token: bob,
      }),
      await call(lifecycleRoute.PUT, {
        method: 'PUT',
        path: '/installations/development/lifecycle',
        params: { installation: 'development' },
        token: bob,
        body: { environments: ['qa', 'dev'] },
      }),
      await call(installationRoute.PATCH, {
        method: 'PATCH',
        path: '/installations/development',
        params: { installation: 'development' },
        token: bob,
        body: { name: 'Mine' },
      }),
    ];
    expect(attempts.map((attempt) => attempt.status)).toEqual([404, 404, 404, 404, 404]);
    expectConforms('/installations', 'post', attempts[0]!);
    expect((await auditEventsSince(since)).map((event) => [event.action, event.outcome])).toEqual([
      ['installation.created', 'denied'],
      ['environment.created', 'denied'],
      ['environment.deleted', 'denied'],
      ['installation.lifecycle_reordered', 'denied'],
      ['installation.updated', 'denied'],
    ]);
  });
});
