import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';

import * as apiPromotionsRoute from '@/app/api/v1/apis/[id]/promotions/route';
import * as cancelRoute from '@/app/api/v1/promotions/[id]/cancel/route';
import * as promotionRoute from '@/app/api/v1/promotions/[id]/route';
import * as promotionsRoute from '@/app/api/v1/promotions/route';
import { getDb } from '@/db';
import { apiDefinitionSchema, type ApiDefinition } from '@/db/definition';
import { apiRevisions, apis, users } from '@/db/schema';
import { approvePromotion } from '@/lib/promotions/approve-promotion';
import { listPromotionTargets } from '@/lib/promotions/queries';
import { requestPromotion } from '@/lib/promotions/request-promotion';
import { getApi } from '@/lib/apis/queries';
import { actorFor, apiNamed, environmentId } from '@/test/fixtures';

import { call, promote, tokenFor } from './harness';

/**
 * Issue 8 #1: nothing of an API reaches someone who may not read it. Alice publishes DEV's Order
 * Tracking and holds no role in DEMO, where the same API (same cross id) holds values she must never
 * see. Every face a requester meets is asked, and none may carry the DEMO API's values, id or revision.
 */

const secret = 'sk-wall-7f3a9c-SECRET';
const secretBackend = 'https://wall-secret.internal.example.com/v9';
let demoApi: { id: string; crossId: string; currentRevision: number };
let devApi: Awaited<ReturnType<typeof apiNamed>>;
let alice = '';

/** What must never appear in an answer to alice. */
function assertNothingOfTheTarget(answer: unknown) {
  const text = JSON.stringify(answer);
  expect(text).not.toContain(secret);
  expect(text).not.toContain(secretBackend);
  expect(text).not.toContain(demoApi.id);
  expect(text).not.toMatch(/"(targetRevision|targetApiRevision|revision)":\s*7\b/);
}

async function insertApi(
  environmentKey: string,
  definition: ApiDefinition,
  revisions: number,
  owner: string,
) {
  const [api] = await getDb()
    .insert(apis)
    .values({
      environmentId: await environmentId(environmentKey),
      crossId: devApi.crossId,
      definition,
      currentRevision: revisions,
      lifecycleState: 'published',
      updatedBy: owner,
    })
    .returning();
  for (let revision = 1; revision <= revisions; revision++) {
    await getDb().insert(apiRevisions).values({ apiId: api!.id, revision, definition, createdBy: owner });
  }
  return api!;
}

beforeAll(async () => {
  alice = await tokenFor('alice@example.com');
  devApi = await apiNamed('dev', 'Order Tracking');
  const [carol] = await getDb().select().from(users).where(eq(users.email, 'carol@example.com'));
  const demoDefinition = apiDefinitionSchema.parse({
    ...devApi.definition,
    endpoints: [{ name: 'secret-backend', target: secretBackend }],
    properties: [{ key: 'partner.apiKey', value: secret }],
  });
  // DEMO's copy is at revision 7, with its own endpoints and a secret-looking property.
  demoApi = await insertApi('demo', demoDefinition, 7, carol!.id);
});

describe('a requester who cannot read the target', () => {
  it('sees what their snapshot brings and create/update in a dry run, never the target', async () => {
    const actor = await actorFor('alice@example.com');
    for (const include of [['endpoints'], ['properties'], undefined]) {
      const preview = await requestPromotion(actor, {
        apiId: devApi.id,
        target: 'demo',
        type: 'dry_run',
        include: include as never,
      });
      expect(preview).toMatchObject({
        action: 'update',
        targetReadable: false,
        targetApiId: null,
        targetRevision: null,
        changes: null,
        diff: null,
      });
      assertNothingOfTheTarget(preview);

      const response = await promote(alice, devApi.id, {
        target: 'demo',
        type: 'dry_run',
        ...(include ? { include } : {}),
      });
      expect(response.status).toBe(200);
      assertNothingOfTheTarget(response.body);
    }
  });

  it('cannot use "no changes" as an oracle for the target’s values', async () => {
    // Overriding the property with the right guess would make the target unchanged: not said to alice.
    const response = await call(apiPromotionsRoute.POST, {
      method: 'POST',
      path: `/apis/${devApi.id}/promotions`,
      params: { id: devApi.id },
      token: alice,
      body: {
        target: 'demo',
        type: 'dry_run',
        include: ['properties'],
        properties: { 'partner.apiKey': secret },
      },
    });
    const wrongGuess = await call(apiPromotionsRoute.POST, {
      method: 'POST',
      path: `/apis/${devApi.id}/promotions`,
      params: { id: devApi.id },
      token: alice,
      body: {
        target: 'demo',
        type: 'dry_run',
        include: ['properties'],
        properties: { 'partner.apiKey': 'nope' },
      },
    });
    expect(response.status).toBe(wrongGuess.status);
  });

  it('is told a request is pending without the id of one they may not see, in the picker and in the 409', async () => {
    // Ada asks for QA's copy (which alice cannot read) to go to DEMO.
    const admin = await actorFor('admin@example.com');
    const qaCopy = await insertApi('qa', devApi.definition, 2, admin.userId);
    const blocking = await requestPromotion(admin, {
      apiId: qaCopy.id,
      target: 'demo',
      properties: { marker: 'from-qa' },
    });

    const actor = await actorFor('alice@example.com');
    const targets = await listPromotionTargets(actor, await getApi(actor, 'dev', devApi.id));
    const demo = targets.find((target) => target.key === 'demo')!;
    expect(demo).toMatchObject({
      isPending: true,
      pendingPromotionId: null,
      targetRevision: null,
      action: 'update',
    });
    assertNothingOfTheTarget(targets);
    expect(JSON.stringify(targets)).not.toContain(blocking.id);

    const refused = await promote(alice, devApi.id, { target: 'demo' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ existingPromotionId: null });
    expect(JSON.stringify(refused.body)).not.toContain(blocking.id);
    assertNothingOfTheTarget(refused.body);

    // Ada herself is told which one.
    await expect(requestPromotion(admin, { apiId: devApi.id, target: 'demo' })).rejects.toMatchObject({
      details: { existingPromotionId: blocking.id },
    });
    await call(cancelRoute.POST, {
      method: 'POST',
      path: `/promotions/${blocking.id}/cancel`,
      params: { id: blocking.id },
      token: await tokenFor('admin@example.com'),
    });
  });

  it('reads her own promotion, before and after it is applied, without the target’s id or revision', async () => {
    const requested = await promote(alice, devApi.id, { target: 'demo', include: ['endpoints'] });
    expect(requested.status).toBe(201);
    assertNothingOfTheTarget(requested.body);
    const id = (requested.body as { id: string }).id;

    const approved = await approvePromotion(await actorFor('carol@example.com'), id);
    expect(approved).toMatchObject({ status: 'accepted', result: { apiId: demoApi.id, revision: 8 } });

    const mine = await call(promotionRoute.GET, { path: `/promotions/${id}`, params: { id }, token: alice });
    expect(mine.body).toMatchObject({
      status: 'accepted',
      result: { action: 'updated', apiId: null, revision: null },
    });
    assertNothingOfTheTarget(mine.body);
    expect(JSON.stringify(mine.body)).not.toMatch(/"revision":\s*8\b/);
    const list = await call(promotionsRoute.GET, { path: `/promotions?apiId=${devApi.id}`, token: alice });
    assertNothingOfTheTarget(list.body);
    expect(JSON.stringify(list.body)).not.toMatch(/"revision":\s*8\b/);

    // Carol, who may read DEMO's API, sees it all.
    const carols = await call(promotionRoute.GET, {
      path: `/promotions/${id}`,
      params: { id },
      token: await tokenFor('carol@example.com'),
    });
    expect(carols.body).toMatchObject({ result: { apiId: demoApi.id, revision: 8 } });
  });
});
