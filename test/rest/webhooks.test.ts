import { beforeAll, describe, expect, it } from 'vitest';

import * as environmentWebhooksRoute from '@/app/api/v1/environments/[env]/webhooks/route';
import * as redeliverRoute from '@/app/api/v1/webhooks/[webhook]/deliveries/[delivery]/redeliver/route';
import * as deliveriesRoute from '@/app/api/v1/webhooks/[webhook]/deliveries/route';
import * as webhookRoute from '@/app/api/v1/webhooks/[webhook]/route';
import * as secretRoute from '@/app/api/v1/webhooks/[webhook]/secret/route';
import * as ownWebhooksRoute from '@/app/api/v1/webhooks/route';
import { getDb } from '@/db';
import { outboxEvents, webhookDeliveries } from '@/db/schema';
import { auditEventsSince, lastAuditSeq } from '@/test/fixtures';

import { call, expectConforms, tokenFor } from './harness';

let admin = '';
let alice = '';
let bob = '';

beforeAll(async () => {
  admin = await tokenFor('admin@example.com');
  alice = await tokenFor('alice@example.com');
  bob = await tokenFor('bob@example.com');
});

describe('webhooks over REST', () => {
  it('an environment admin creates, reads, changes, re-keys and deletes a webhook; the secret is shown once', async () => {
    const since = await lastAuditSeq();
    const created = await call(environmentWebhooksRoute.POST, {
      method: 'POST',
      path: '/environments/qa/webhooks',
      params: { env: 'qa' },
      token: admin,
      body: { url: 'https://hooks.example.com/qa', events: ['promotion.accepted', 'promotion.rejected'] },
    });
    expect(created.status).toBe(201);
    expectConforms('/environments/{env}/webhooks', 'post', created);
    const { id, secret } = created.body as { id: string; secret: string };
    expect(created.body).toMatchObject({
      environment: 'qa',
      active: true,
      events: ['promotion.accepted', 'promotion.rejected'],
    });
    expect(secret).toMatch(/^whsec_/);

    const listed = await call(environmentWebhooksRoute.GET, {
      path: '/environments/qa/webhooks',
      params: { env: 'qa' },
      token: admin,
    });
    expect(listed.status).toBe(200);
    expectConforms('/environments/{env}/webhooks', 'get', listed);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
    expect((listed.body as { items: { id: string }[] }).items.map((item) => item.id)).toContain(id);

    const read = await call(webhookRoute.GET, {
      path: `/webhooks/${id}`,
      params: { webhook: id },
      token: admin,
    });
    expect(read.status).toBe(200);
    expectConforms('/webhooks/{webhook}', 'get', read);
    expect(JSON.stringify(read.body)).not.toContain('whsec_');

    const changed = await call(webhookRoute.PATCH, {
      method: 'PATCH',
      path: `/webhooks/${id}`,
      params: { webhook: id },
      token: admin,
      body: { active: false },
    });
    expect(changed.status).toBe(200);
    expectConforms('/webhooks/{webhook}', 'patch', changed);
    expect(changed.body).toMatchObject({ active: false });
    const same = await call(webhookRoute.PATCH, {
      method: 'PATCH',
      path: `/webhooks/${id}`,
      params: { webhook: id },
      token: admin,
      body: { active: false },
    });
    expect(same.status).toBe(422);
    expectConforms('/webhooks/{webhook}', 'patch', same);

    const rotated = await call(secretRoute.POST, {
      method: 'POST',
      path: `/webhooks/${id}/secret`,
      params: { webhook: id },
      token: admin,
    });
    expect(rotated.status).toBe(200);
    expectConforms('/webhooks/{webhook}/secret', 'post', rotated);
    const newSecret = (rotated.body as { secret: string }).secret;
    expect(newSecret).not.toBe(secret);

    // Bob approves in QA but does not administer it; Alice does not see QA's webhooks at all.
    const refused = await call(webhookRoute.PATCH, {
      method: 'PATCH',
      path: `/webhooks/${id}`,
      params: { webhook: id },
      token: bob,
      body: { active: true },
    });
    expect(refused.status).toBe(403);
    expectConforms('/webhooks/{webhook}', 'patch', refused);
    const hidden = await call(webhookRoute.GET, {
      path: `/webhooks/${id}`,
      params: { webhook: id },
      token: alice,
    });
    expect(hidden.status).toBe(404);
    expectConforms('/webhooks/{webhook}', 'get', hidden);

    const deleted = await call(webhookRoute.DELETE, {
      method: 'DELETE',
      path: `/webhooks/${id}`,
      params: { webhook: id },
      token: admin,
    });
    expect(deleted.status).toBe(204);
    const gone = await call(webhookRoute.GET, {
      path: `/webhooks/${id}`,
      params: { webhook: id },
      token: admin,
    });
    expect(gone.status).toBe(404);

    const trail = await auditEventsSince(since);
    expect(trail.map((event) => event.action)).toEqual(
      expect.arrayContaining([
        'webhook.created',
        'webhook.updated',
        'webhook.secret_rotated',
        'webhook.deleted',
      ]),
    );
    for (const text of [secret, newSecret]) expect(JSON.stringify(trail)).not.toContain(text);
  });

  it('refuses a private address and an unknown event with 400 naming the field', async () => {
    const response = await call(ownWebhooksRoute.POST, {
      method: 'POST',
      path: '/webhooks',
      token: alice,
      body: { url: 'http://169.254.169.254/latest', events: ['promotion.accepted', 'promotion.exploded'] },
    });
    expect(response.status).toBe(400);
    expectConforms('/webhooks', 'post', response);
    const { errors } = response.body as { errors: Record<string, string[]> };
    expect(errors.url![0]).toContain('loopback or private');
    expect(Object.keys(errors).some((key) => key.startsWith('events'))).toBe(true);
  });

  it("a user's own webhook: listed for them alone, with its delivery log and redelivery", async () => {
    const created = await call(ownWebhooksRoute.POST, {
      method: 'POST',
      path: '/webhooks',
      token: alice,
      body: { url: 'https://hooks.example.com/alice', events: ['promotion.accepted'] },
    });
    expect(created.status).toBe(201);
    expectConforms('/webhooks', 'post', created);
    const { id } = created.body as { id: string };
    const mine = await call(ownWebhooksRoute.GET, { path: '/webhooks', token: alice });
    expectConforms('/webhooks', 'get', mine);
    expect((mine.body as { items: { id: string; environment: null }[] }).items).toEqual([
      expect.objectContaining({ id, environment: null }),
    ]);
    const others = await call(ownWebhooksRoute.GET, { path: '/webhooks', token: bob });
    expect((others.body as { items: unknown[] }).items).toEqual([]);

    // A finished delivery, as the workers leave one.
    const [event] = await getDb()
      .insert(outboxEvents)
      .values({ type: 'promotion.accepted', data: {}, environmentIds: [], userIds: [] })
      .returning();
    const [delivery] = await getDb()
      .insert(webhookDeliveries)
      .values({
        webhookId: id,
        eventId: event!.id,
        eventType: 'promotion.accepted',
        status: 'failed',
        attempts: 9,
        responseStatus: 500,
        responseExcerpt: 'down',
        durationMs: 12,
        lastAttemptAt: new Date(),
        retryUntil: new Date(),
      })
      .returning();
    const log = await call(deliveriesRoute.GET, {
      path: `/webhooks/${id}/deliveries`,
      params: { webhook: id },
      token: alice,
    });
    expect(log.status).toBe(200);
    expectConforms('/webhooks/{webhook}/deliveries', 'get', log);
    expect(log.body).toMatchObject({
      items: [{ id: delivery!.id, status: 'failed', attempts: 9, responseStatus: 500 }],
      nextCursor: null,
    });
    const badLimit = await call(deliveriesRoute.GET, {
      path: `/webhooks/${id}/deliveries?limit=0`,
      params: { webhook: id },
      token: alice,
    });
    expect(badLimit.status).toBe(400);
    expectConforms('/webhooks/{webhook}/deliveries', 'get', badLimit);

    const params = { webhook: id, delivery: delivery!.id };
    const path = `/webhooks/${id}/deliveries/${delivery!.id}/redeliver`;
    const again = await call(redeliverRoute.POST, { method: 'POST', path, params, token: alice });
    expect(again.status).toBe(202);
    expectConforms('/webhooks/{webhook}/deliveries/{delivery}/redeliver', 'post', again);
    const twice = await call(redeliverRoute.POST, { method: 'POST', path, params, token: alice });
    expect(twice.status).toBe(409);
    expectConforms('/webhooks/{webhook}/deliveries/{delivery}/redeliver', 'post', twice);
    const notBobs = await call(redeliverRoute.POST, { method: 'POST', path, params, token: bob });
    expect(notBobs.status).toBe(404);
  });
});
