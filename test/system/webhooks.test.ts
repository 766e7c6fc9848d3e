import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  client,
  createDatabase,
  deploymentEnv,
  issueTokens,
  sleep,
  startServer,
  waitUntil,
  type Server,
} from './harness';

/**
 * The outbox across a crash: a change committed by a server that dies before anything is sent is
 * still delivered, once, by the next server. The receiver checks the signature the way the README
 * tells receivers to.
 */

/** The README's verification: HMAC-SHA256 over "<t>.<raw body>", compared in constant time. */
function verify(secret: string, body: string, header: string): boolean {
  const { t, v1 } = Object.fromEntries(header.split(',').map((part) => part.split('=')));
  if (!t || !v1 || Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('webhooks through a crash', () => {
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let server: Server | undefined;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const receiver = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.end('ok');
    });
  });

  beforeAll(async () => {
    database = await createDatabase();
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  }, 240_000);

  afterAll(async () => {
    await server?.stop();
    receiver.close();
    await database?.drop();
  });

  it('a promotion committed by a server killed before delivery is delivered once after the restart', async () => {
    const tokens = issueTokens(database.url, ['alice@example.com', 'admin@example.com']);
    const env = deploymentEnv(database.url, { STAGEWAY_WEBHOOKS_ALLOW_PRIVATE: 'true' });
    // This instance commits but delivers nothing: its workers are off, as if it died right after the commit.
    server = await startServer({ ...env, STAGEWAY_WORKERS: 'off' });
    const admin = client(server.origin, tokens['admin@example.com']!);
    const alice = client(server.origin, tokens['alice@example.com']!);
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/stageway`;
    const hook = await admin('POST', '/environments/qa/webhooks', { url, events: ['promotion.requested'] });
    expect(hook.status).toBe(201);
    const secret = hook.json.secret as string;

    const apis = await alice('GET', '/environments/dev/apis?q=Notifications');
    const api = (apis.json.items as { id: string }[])[0]!;
    const requested = await alice('POST', `/apis/${api.id}/promotions`, { target: 'qa' });
    expect(requested.status).toBe(201);
    const promotionId = requested.json.id as string;
    await sleep(2_000);
    expect(received).toHaveLength(0);
    const [waiting] = await database.sql<{ count: number }[]>`
      select count(*)::int as count from outbox_events where dispatched_at is null`;
    expect(waiting!.count).toBeGreaterThan(0);
    await server.stop('SIGKILL');

    const restarted = Date.now();
    server = await startServer(env, server.port);
    await waitUntil(async () => received.length > 0, 30_000);
    console.info(`delivered ${Date.now() - restarted} ms after the restart`);
    await sleep(2_000);
    expect(received).toHaveLength(1);
    const [delivery] = received;
    expect(verify(secret, delivery!.body, String(delivery!.headers['stageway-signature']))).toBe(true);
    const event = JSON.parse(delivery!.body);
    expect(event).toMatchObject({
      type: 'promotion.requested',
      data: { promotion: { id: promotionId, target: { key: 'qa' } } },
    });
    expect(delivery!.headers['stageway-event-id']).toBe(event.id);
    const log = await client(server.origin, tokens['admin@example.com']!)(
      'GET',
      `/webhooks/${hook.json.id as string}/deliveries`,
    );
    expect(log.json.items).toEqual([
      expect.objectContaining({ status: 'succeeded', attempts: 1, responseStatus: 200 }),
    ]);
  });
});
