import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { and, eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { getDb } from '@/db';
import { auditEvents, outboxEvents, webhookDeliveries, webhooks } from '@/db/schema';
import { env } from '@/lib/env';
import { stopQueue } from '@/lib/jobs/queue';
import { startOutboxWorkers, stopOutboxWorkers } from '@/lib/outbox/workers';
import { approvePromotion } from '@/lib/promotions/approve-promotion';
import { cancelPromotion } from '@/lib/promotions/cancel-promotion';
import { requestPromotion } from '@/lib/promotions/request-promotion';
import { actorFor, auditEventsSince, createTestApi, lastAuditSeq, refuseApiCreation } from '@/test/fixtures';

import { listWebhookDeliveries, listWebhooks } from './queries';
import { verifySignature } from './signing';
import {
  createWebhook,
  deleteWebhook,
  redeliverWebhookDelivery,
  rotateWebhookSecret,
  updateWebhook,
} from './webhook-writes';

/**
 * Webhooks as pg-boss delivers them, to a receiver on loopback: the domain emits, the outbox fans
 * out, the delivery job POSTs. Nothing here calls a job's function directly.
 */

type Received = { headers: IncomingHttpHeaders; body: string };

/** A receiver that answers with the next status of `script` (the last one once the script runs out). */
async function receiver(script: number[]) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.statusCode = script[Math.min(received.length - 1, script.length - 1)]!;
      response.end(response.statusCode >= 300 ? 'receiver says no' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  servers.push(server);
  return { url, received };
}

const servers: Server[] = [];

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, seconds = 30): Promise<T> {
  for (let waited = 0; waited < seconds * 10; waited++) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`waited ${seconds} s: ${what}`);
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  env.STAGEWAY_WEBHOOKS_ALLOW_PRIVATE = 'true';
  env.STAGEWAY_WEBHOOK_RETRY_SECONDS = 1;
  await startOutboxWorkers();
});

afterEach(async () => {
  env.STAGEWAY_WEBHOOKS_ALLOW_PRIVATE = 'true';
  // Each test's webhooks go with it, so the next test's receivers hear only their own.
  await getDb().delete(webhooks);
});

afterAll(async () => {
  stopOutboxWorkers();
  await stopQueue();
  for (const server of servers) server.close();
});

describe('webhooks', () => {
  it('a receiver that answers 500 twice, then 200, gets the event three times with one id and a verifiable signature', async () => {
    const admin = await actorFor('admin@example.com');
    const hook = await receiver([500, 500, 200]);
    const { webhook, secret } = await createWebhook(
      admin,
      { environment: 'qa' },
      {
        url: hook.url,
        events: ['promotion.requested'],
      },
    );
    expect(secret).toMatch(/^whsec_[\w-]{43}$/);

    const api = await createTestApi();
    const alice = await actorFor('alice@example.com');
    const { id: promotionId } = await requestPromotion(alice, { apiId: api.id, target: 'qa' });

    await until('three attempts', async () => hook.received.length >= 3);
    await settle(2_500); // No fourth: the third answer was a 200.
    expect(hook.received).toHaveLength(3);
    const ids = new Set(hook.received.map((request) => request.headers['stageway-event-id']));
    expect(ids.size).toBe(1);
    for (const { headers, body } of hook.received) {
      expect(headers['content-type']).toBe('application/json');
      expect(headers['stageway-event']).toBe('promotion.requested');
      expect(verifySignature(secret, body, String(headers['stageway-signature']))).toBe(true);
      // Signed with this secret, over this body: another secret or a changed body does not verify.
      expect(verifySignature(`${secret}x`, body, String(headers['stageway-signature']))).toBe(false);
      expect(verifySignature(secret, `${body} `, String(headers['stageway-signature']))).toBe(false);
      const event = JSON.parse(body);
      expect(event).toMatchObject({
        id: headers['stageway-event-id'],
        type: 'promotion.requested',
        data: {
          promotion: {
            id: promotionId,
            status: 'pending',
            api: { id: api.id, name: api.name },
            source: { key: 'dev' },
            target: { key: 'qa' },
            requestedBy: { id: alice.userId, name: alice.name },
          },
          actor: { type: 'user', id: alice.userId },
        },
      });
      expect(event.data.promotion.url).toMatch(new RegExp(`/promotions/${promotionId}$`));
    }

    const { items } = await listWebhookDeliveries(admin, webhook.id);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ status: 'succeeded', attempts: 3, responseStatus: 200, error: null });
    expect(items[0]!.responseExcerpt).toBe('ok');

    // Redeliver: a fourth POST, the same event id.
    await redeliverWebhookDelivery(admin, webhook.id, items[0]!.id);
    await until('the redelivery', async () => hook.received.length >= 4);
    expect(hook.received[3]!.headers['stageway-event-id']).toBe(
      hook.received[0]!.headers['stageway-event-id'],
    );
    await until('the redelivery recorded', async () => {
      const [row] = await getDb()
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.id, items[0]!.id));
      return row?.status === 'succeeded' && row.attempts === 4;
    });
  });

  it('a change that rolls back sends nothing', async () => {
    const admin = await actorFor('admin@example.com');
    const hook = await receiver([200]);
    await createWebhook(admin, { environment: 'qa' }, { url: hook.url, events: ['promotion.approved'] });
    const api = await createTestApi();
    const { id: promotionId } = await requestPromotion(await actorFor('alice@example.com'), {
      apiId: api.id,
      target: 'qa',
    });
    // The approval emits promotion.approved, then applying it fails: the whole decision rolls back.
    const lift = await refuseApiCreation(api.crossId);
    try {
      await expect(approvePromotion(await actorFor('bob@example.com'), promotionId, {})).rejects.toThrow();
    } finally {
      await lift();
    }
    await settle(3_000);
    expect(hook.received).toHaveLength(0);
    const approved = await getDb()
      .select()
      .from(outboxEvents)
      .where(
        and(
          eq(outboxEvents.type, 'promotion.approved'),
          sql`${outboxEvents.data} -> 'promotion' ->> 'id' = ${promotionId}`,
        ),
      );
    expect(approved).toHaveLength(0);
  });

  it('a receiver that never answers 2xx is retried with growing delays, and marked failed when its window ends', async () => {
    const alice = await actorFor('alice@example.com');
    const hook = await receiver([503]);
    const { webhook } = await createWebhook(alice, 'self', {
      url: hook.url,
      events: ['promotion.cancelled'],
    });
    const api = await createTestApi();
    const owner = await actorFor('alice@example.com'); // with her role on the new API
    const { id } = await requestPromotion(owner, { apiId: api.id, target: 'qa' });
    await cancelPromotion(owner, id);
    const delivery = await until('the delivery', async () => {
      const [row] = await getDb()
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.webhookId, webhook.id));
      return row;
    });
    // Only promotion.cancelled was asked for: the request itself was not delivered.
    expect(delivery.eventType).toBe('promotion.cancelled');
    expect(delivery.retryUntil.getTime() - delivery.createdAt.getTime()).toBeCloseTo(24 * 3600 * 1000, -4);
    // Shorten this delivery's window to 5 s to see it end: 1 s, then about 2 s, then the next wait passes it.
    await getDb()
      .update(webhookDeliveries)
      .set({ retryUntil: sql`${webhookDeliveries.createdAt} + interval '5 seconds'` })
      .where(eq(webhookDeliveries.id, delivery.id));
    const failed = await until('failed', async () => {
      const [row] = await getDb()
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.id, delivery.id));
      return row?.status === 'failed' && row;
    });
    expect(failed.attempts).toBeGreaterThanOrEqual(2);
    expect(failed).toMatchObject({
      responseStatus: 503,
      nextAttemptAt: null,
      responseExcerpt: 'receiver says no',
    });
    expect(hook.received).toHaveLength(failed.attempts);
  });

  it('refuses URLs that are not http(s), carry credentials, or reach loopback and private networks', async () => {
    const alice = await actorFor('alice@example.com');
    env.STAGEWAY_WEBHOOKS_ALLOW_PRIVATE = 'false';
    const refusals = {
      'ftp://example.com/hook': 'Only http:// and https:// URLs',
      'https://user:pw@example.com/hook': 'No user name or password',
      'http://127.0.0.1:8080/hook': 'loopback or private',
      'http://localhost/hook': 'loopback or private',
      'http://10.1.2.3/hook': 'loopback or private',
      'http://169.254.169.254/latest/meta-data': 'loopback or private',
      'http://[::1]/hook': 'loopback or private',
      'http://[::ffff:192.168.0.1]/hook': 'loopback or private',
      'not a url': 'Not a valid URL',
    };
    for (const [url, message] of Object.entries(refusals)) {
      await expect(
        createWebhook(alice, 'self', { url, events: ['promotion.accepted'] }),
      ).rejects.toMatchObject({
        code: 'validation',
        fieldErrors: { url: [expect.stringContaining(message)] },
      });
    }
    await expect(
      createWebhook(alice, 'self', { url: 'https://hooks.example.com/x', events: [] }),
    ).rejects.toMatchObject({
      fieldErrors: { events: ['Choose at least one event'] },
    });
    expect(await listWebhooks(alice, 'self')).toHaveLength(0);

    // Saved while allowed, then disallowed: the delivery itself refuses to connect.
    env.STAGEWAY_WEBHOOKS_ALLOW_PRIVATE = 'true';
    const hook = await receiver([200]);
    const { webhook } = await createWebhook(alice, 'self', {
      url: hook.url,
      events: ['promotion.requested'],
    });
    env.STAGEWAY_WEBHOOKS_ALLOW_PRIVATE = 'false';
    const api = await createTestApi();
    await requestPromotion(await actorFor('alice@example.com'), { apiId: api.id, target: 'qa' });
    const refused = await until('the refused attempt', async () => {
      const [row] = await getDb()
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.webhookId, webhook.id));
      return row && row.attempts > 0 && row;
    });
    expect(refused.error).toContain('loopback or private');
    expect(refused.responseStatus).toBeNull();
    expect(hook.received).toHaveLength(0);
  });

  it('every change is audited without the secret; others cannot see or change a webhook', async () => {
    const admin = await actorFor('admin@example.com');
    const alice = await actorFor('alice@example.com');
    const bob = await actorFor('bob@example.com');
    const since = await lastAuditSeq();
    const { webhook, secret } = await createWebhook(
      admin,
      { environment: 'qa' },
      {
        url: 'https://hooks.example.com/qa',
        events: ['promotion.accepted', 'promotion.requested'],
      },
    );
    // Stored in the event list's own order, whatever the order given.
    expect(webhook.events).toEqual(['promotion.requested', 'promotion.accepted']);
    expect(JSON.stringify(webhook)).not.toContain(secret);
    await updateWebhook(admin, webhook.id, { active: false });
    await expect(updateWebhook(admin, webhook.id, { active: false })).rejects.toMatchObject({
      code: 'no_changes',
    });
    const rotated = await rotateWebhookSecret(admin, webhook.id);
    expect(rotated.secret).not.toBe(secret);
    // Bob approves in QA but does not administer it: refused, and the refusal audited. Alice cannot see it.
    await expect(updateWebhook(bob, webhook.id, { active: true })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(
      createWebhook(
        bob,
        { environment: 'qa' },
        { url: 'https://hooks.example.com/b', events: ['promotion.accepted'] },
      ),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(deleteWebhook(alice, webhook.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(listWebhooks(alice, { environment: 'qa' })).rejects.toMatchObject({ code: 'not_found' });
    // A personal webhook is its owner's alone, even to an organization admin.
    const own = await createWebhook(alice, 'self', {
      url: 'https://hooks.example.com/alice',
      events: ['promotion.accepted'],
    });
    await expect(updateWebhook(admin, own.webhook.id, { active: false })).rejects.toMatchObject({
      code: 'not_found',
    });
    await deleteWebhook(admin, webhook.id);

    const events = await auditEventsSince(since);
    expect(events.map((event) => `${event.action}:${event.outcome}`)).toEqual([
      'webhook.created:success',
      'webhook.updated:success',
      'webhook.secret_rotated:success',
      'webhook.updated:denied',
      'webhook.created:denied',
      'webhook.created:success',
      'webhook.deleted:success',
    ]);
    expect(events[1]!.changes).toEqual({ before: { active: true }, after: { active: false } });
    const trail = JSON.stringify(events);
    expect(trail).not.toContain(secret);
    expect(trail).not.toContain(rotated.secret);
    expect(trail).not.toContain('whsec_');
    const [stored] = await getDb().select().from(webhooks).where(eq(webhooks.id, own.webhook.id));
    expect(stored!.secretCiphertext).not.toContain(own.secret.slice(6));
    expect(
      await getDb()
        .select()
        .from(auditEvents)
        .where(sql`${auditEvents.changes}::text like '%whsec_%'`),
    ).toHaveLength(0);
  });
});
