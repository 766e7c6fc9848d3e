import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import postgres from 'postgres';
import { beforeAll, describe, expect, it, vi } from 'vitest';

import * as apiPromotionsRoute from '@/app/api/v1/apis/[id]/promotions/route';
import * as definitionRoute from '@/app/api/v1/apis/[id]/definition/route';
import * as droneRoute from '@/app/api/v1/apis/[id]/revisions/[revision]/promote/route';
import * as auditRoute from '@/app/api/v1/audit/route';
import * as policyRoute from '@/app/api/v1/environments/[env]/policy/route';
import * as approveRoute from '@/app/api/v1/promotions/[id]/approve/route';
import * as promotionsRoute from '@/app/api/v1/promotions/route';
import { getDb } from '@/db';
import { isDatabaseUnavailable } from '@/lib/errors';
import { problemFrom } from '@/lib/http/problem';
import { createTestApi, isPostgres } from '@/test/fixtures';

import { call, tokenFor } from './harness';

/**
 * Issue 8 #4: every bad input is a 4xx with problem+json, never a 5xx — NUL characters and lone
 * surrogates (PostgreSQL cannot store them), integers beyond the columns, and a lost database (503).
 */

vi.hoisted(() => {
  process.env.API_RATE_LIMIT_PER_MINUTE = '1000000';
});

let alice = '';
let admin = '';
let api: Awaited<ReturnType<typeof createTestApi>>;
beforeAll(async () => {
  alice = await tokenFor('alice@example.com');
  admin = await tokenFor('admin@example.com');
  api = await createTestApi();
});

const promote = (body: unknown, token = alice) =>
  call(apiPromotionsRoute.POST, {
    method: 'POST',
    path: `/apis/${api.id}/promotions`,
    params: { id: api.id },
    token,
    body,
  });

describe('text PostgreSQL cannot store', () => {
  it.each([
    ['a title', { target: 'qa', title: 'Release\u0000 1' }, 'title'],
    ['a parameter', { target: 'qa', parameters: { ticket: 'CHG\u00001' } }, 'parameters.ticket'],
    ['a parameter name', { target: 'qa', parameters: { 'tic\u0000ket': '1' } }, 'parameters.tic\u0000ket'],
    ['a lone surrogate', { target: 'qa', message: 'broken \ud800 pair' }, 'message'],
  ])('in %s is a 400 naming the field', async (_, body, field) => {
    const response = await promote(body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      errors: { [field]: [expect.stringContaining('cannot be stored')] },
    });
  });

  it('in a definition string and in a query filter too', async () => {
    const saved = await call(definitionRoute.PUT, {
      method: 'PUT',
      path: `/apis/${api.id}/definition`,
      params: { id: api.id },
      token: alice,
      body: { definition: { ...api.definition, description: 'nul\u0000here' } },
    });
    expect(saved.status).toBe(400);
    expect(saved.body).toMatchObject({ errors: { 'definition.description': [expect.any(String)] } });
    const listed = await call(promotionsRoute.GET, { path: '/promotions?target=q%00a', token: alice });
    expect(listed.status).toBe(400);
    expect(listed.body).toMatchObject({ errors: { target: [expect.any(String)] } });
  });
});

describe('integers beyond their columns', () => {
  it('a revision past int4 is a 400, in the body and in the path', async () => {
    const body = await promote({ target: 'qa', revision: 9007199254740991 });
    expect(body.status).toBe(400);
    expect(body.body).toMatchObject({ errors: { revision: [expect.any(String)] } });
    const path = await call(droneRoute.POST, {
      method: 'POST',
      path: `/apis/${api.id}/revisions/9007199254740991/promote?target=qa`,
      params: { id: api.id, revision: '9007199254740991' },
      token: alice,
    });
    expect(path.status).toBe(400);
  });
});

/** A URL cannot carry a lone surrogate: the client's encoder would refuse; send its replacement. */
const wellFormed = (value: string) => value.replace(/[\uD800-\uDFFF]/g, '\uFFFD');

const nasty = fc.oneof(
  fc.string().map((text) => `${text}\u0000${text}`),
  fc.constantFrom('\ud800', '\udfff tail', 'ok\ud83d', '%ff%fe', '%00', '..%2f..'),
  fc.constantFrom('9007199254740991', '-9007199254740991', '1e308', 'NaN', '2147483648', '-1', '0.5'),
  fc.string(),
);

describe('generated hostile input over every write and query parameter', () => {
  it('never answers 5xx', async () => {
    const { id: promotionId } = (await promote({ target: 'demo' })).body as { id: string };
    const statuses = new Map<number, number>();
    const faces = [
      (value: string) =>
        promote({ target: value, title: value, revision: value, parameters: { [value]: value } }),
      (value: string) =>
        promote({
          target: 'qa',
          type: 'dry_run',
          include: [value],
          properties: { 'a.b': value },
          description: value,
        }),
      (value: string) =>
        call(droneRoute.POST, {
          method: 'POST',
          path: `/apis/${api.id}/revisions/${encodeURIComponent(wellFormed(value))}/promote?target=${encodeURIComponent(wellFormed(value))}`,
          params: { id: api.id, revision: value },
          token: alice,
        }),
      (value: string) =>
        call(definitionRoute.PUT, {
          method: 'PUT',
          path: `/apis/${api.id}/definition`,
          params: { id: api.id },
          token: alice,
          body: {
            definition: { ...api.definition, name: value, version: value },
            baseRevision: Number(value) || value,
          },
        }),
      (value: string) =>
        call(promotionsRoute.GET, {
          path: `/promotions?${new URLSearchParams({ status: value, target: value, source: value, apiId: value, cursor: value, limit: value })}`,
          token: alice,
        }),
      (value: string) =>
        call(auditRoute.GET, {
          path: `/audit?${new URLSearchParams({ from: value, to: value, actor: value, action: value, environment: value, api: value, outcome: value, cursor: value })}`,
          token: admin,
        }),
      (value: string) =>
        call(policyRoute.PUT, {
          method: 'PUT',
          path: '/environments/dev/policy',
          params: { env: 'dev' },
          token: admin,
          body: {
            approvalsRequired: Number(value) || value,
            expiryHours: value,
            entryGate: [{ rule: 'soak-time', mode: 'warn', hours: value }],
          },
        }),
      (value: string) =>
        call(approveRoute.POST, {
          method: 'POST',
          path: `/promotions/${promotionId}/approve`,
          params: { id: value },
          token: admin,
          body: { comment: value },
        }),
    ];
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: faces.length - 1 }), nasty, async (face, value) => {
        const response = await faces[face]!(value);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: 400 },
    );
    expect([...statuses.keys()].some((status) => status >= 400)).toBe(true);
  }, 120_000);
});

describe.runIf(isPostgres())('a lost database', () => {
  it('is a 503 with Retry-After, not a 500', async () => {
    const database = new URL(process.env.DATABASE_URL!).pathname.slice(1);
    const adminConnection = postgres(
      process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      {
        max: 1,
        onnotice: () => {},
      },
    );
    try {
      const slow = getDb()
        .execute(sql`select pg_sleep(5)`)
        .catch((error) => error);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await adminConnection`select pg_terminate_backend(pid) from pg_stat_activity
        where datname = ${database} and pid <> pg_backend_pid() and query like '%pg_sleep%'`;
      const error = await slow;
      expect(isDatabaseUnavailable(error)).toBe(true);
      const response = problemFrom(error);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await response.json()).toMatchObject({ status: 503, title: 'Service unavailable' });
      // The next request is served on a fresh connection.
      expect((await call(promotionsRoute.GET, { path: '/promotions', token: alice })).status).toBe(200);
    } finally {
      await adminConnection.end();
    }
  });
});
