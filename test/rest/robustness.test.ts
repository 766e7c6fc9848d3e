import { eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';

import * as apiPromotionsRoute from '@/app/api/v1/apis/[id]/promotions/route';
import { getDb } from '@/db';
import { promotions } from '@/db/schema';
import { createTestApi } from '@/test/fixtures';

import { call, tokenFor } from './harness';

// Thousands of requests with one token: lift the rate limit for this file (rate-limit.test.ts checks it).
vi.hoisted(() => {
  process.env.API_RATE_LIMIT_PER_MINUTE = '1000000';
});

let alice = '';
beforeAll(async () => {
  alice = await tokenFor('alice@example.com');
});

async function promotionRows(apiId: string): Promise<number> {
  const [row] = await getDb()
    .select({ count: sql<number>`count(*)::int` })
    .from(promotions)
    .where(eq(promotions.apiId, apiId));
  return row!.count;
}

const junk = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string()),
  fc.object(),
);
const part = fc.constantFrom(
  'endpoints',
  'plans',
  'flows',
  'properties',
  'pages',
  'metadata',
  'everything',
  '',
);
// Bodies near the valid ones, so the property also crosses into 200, 201 and 409.
const plausible = fc.record(
  {
    target: fc.constantFrom('qa', 'demo', 'prod', 'nope'),
    mode: fc.constantFrom('request', 'direct'),
    type: fc.constantFrom('copy', 'move', 'dry_run'),
    exclude: fc.subarray(['plans', 'flows', 'pages', 'metadata', 'endpoints']),
    parameters: fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.string({ maxLength: 20 }), {
      maxKeys: 3,
    }),
    title: fc.string({ maxLength: 50 }),
  },
  { requiredKeys: ['target'] },
);

const bodyArbitrary = fc.oneof(
  plausible,
  fc.record(
    {
      target: fc.oneof(fc.constantFrom('qa', 'demo', 'prod', 'dev', 'nope', ''), junk),
      revision: fc.oneof(fc.integer({ min: -2, max: 5 }), junk),
      mode: fc.oneof(fc.constantFrom('request', 'direct', 'later'), junk),
      type: fc.oneof(fc.constantFrom('copy', 'move', 'dry_run', 'teleport'), junk),
      include: fc.oneof(fc.array(part, { maxLength: 7 }), junk),
      exclude: fc.oneof(fc.array(part, { maxLength: 7 }), junk),
      properties: fc.oneof(
        fc.dictionary(fc.string({ maxLength: 70 }), fc.oneof(fc.string(), fc.integer())),
        junk,
      ),
      parameters: fc.oneof(fc.dictionary(fc.string({ maxLength: 70 }), fc.string({ maxLength: 100 })), junk),
      title: fc.oneof(fc.string({ maxLength: 300 }), junk),
      message: fc.oneof(fc.string({ maxLength: 100 }), junk),
      description: fc.oneof(fc.string({ maxLength: 100 }), junk),
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
);

describe('the promotion endpoint under generated bodies', () => {
  it('never answers 5xx, answers every 4xx with problem+json, and leaves no row for a refused body', async () => {
    const api = await createTestApi();
    let statuses: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 9, arbitrary: bodyArbitrary.map((body) => JSON.stringify(body) ?? 'null') },
          { weight: 1, arbitrary: fc.string() },
        ),
        async (raw) => {
          const before = await promotionRows(api.id);
          const response = await call(apiPromotionsRoute.POST, {
            method: 'POST',
            path: `/apis/${api.id}/promotions`,
            params: { id: api.id },
            token: alice,
            rawBody: raw,
            headers: { 'content-type': 'application/json' },
          });
          statuses = { ...statuses, [response.status]: (statuses[response.status] ?? 0) + 1 };
          expect(response.status).toBeLessThan(500);
          const after = await promotionRows(api.id);
          if (response.status >= 400) {
            expect(response.contentType).toContain('application/problem+json');
            expect(response.body).toMatchObject({
              type: expect.any(String),
              title: expect.any(String),
              status: response.status,
              detail: expect.any(String),
            });
            expect(after).toBe(before);
          } else if (response.status === 201) {
            expect(after).toBe(before + 1);
          } else {
            expect(response.status).toBe(200);
            expect(after).toBe(before);
          }
        },
      ),
      { numRuns: 2000 },
    );
    // The generator reaches both sides of the validation, not only refusals.
    expect(Object.keys(statuses).map(Number)).toEqual(expect.arrayContaining([400]));
    expect((statuses[200] ?? 0) + (statuses[201] ?? 0) + (statuses[409] ?? 0)).toBeGreaterThan(0);
  }, 300_000);
});

describe('Idempotency-Key', () => {
  const promote = (body: unknown, key?: string) =>
    call(apiPromotionsRoute.POST, {
      method: 'POST',
      path: '/apis/x/promotions',
      params: { id: (body as { apiId: string }).apiId },
      token: alice,
      body: { target: (body as { target: string }).target, title: (body as { title?: string }).title },
      headers: key ? { 'idempotency-key': key } : {},
    });

  it('replays the first response to a retry with the same key and body, without a second effect', async () => {
    const api = await createTestApi();
    const key = `key-${api.id}`;
    const first = await promote({ apiId: api.id, target: 'qa' }, key);
    const retry = await promote({ apiId: api.id, target: 'qa' }, key);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await promotionRows(api.id)).toBe(1);
    // Without the key the same request is a second attempt: refused as a duplicate.
    expect((await promote({ apiId: api.id, target: 'qa' })).status).toBe(409);
  });

  it('the same key with a different body is 422', async () => {
    const api = await createTestApi();
    const key = `key-${api.id}`;
    expect((await promote({ apiId: api.id, target: 'qa' }, key)).status).toBe(201);
    const other = await promote({ apiId: api.id, target: 'demo' }, key);
    expect(other.status).toBe(422);
    expect(other.contentType).toContain('application/problem+json');
    expect(await promotionRows(api.id)).toBe(1);
  });

  it('a retry while the first is still running is 409, and concurrent retries have one effect', async () => {
    const api = await createTestApi();
    const key = `key-${api.id}`;
    const results = await Promise.all(
      Array.from({ length: 5 }, () => promote({ apiId: api.id, target: 'qa' }, key)),
    );
    const statuses = results.map((result) => result.status).sort();
    expect(statuses.filter((status) => status === 201).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    for (const result of results.filter((r) => r.status === 409)) {
      expect((result.body as { detail: string }).detail).toMatch(/still running|already pending/);
    }
    expect(await promotionRows(api.id)).toBe(1);
  });

  it('a malformed key is 400', async () => {
    const api = await createTestApi();
    const response = await promote({ apiId: api.id, target: 'qa' }, 'é'.repeat(3));
    expect(response.status).toBe(400);
  });
});
