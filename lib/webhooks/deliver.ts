import 'server-only';

import http from 'node:http';
import https from 'node:https';

import { and, eq, sql } from 'drizzle-orm';

import { getDb } from '@/db';
import { outboxEvents, webhookDeliveries, webhooks } from '@/db/schema';
import { env } from '@/lib/env';
import { enqueue, queues } from '@/lib/jobs/queue';

import { openWebhookSecret, signatureHeader } from './signing';
import { guardedLookup, literalAddressProblem } from './url-guard';

/** What a receiver gets: the documented `WebhookEvent` (OpenAPI `webhooks`). */
export function webhookBody(event: typeof outboxEvents.$inferSelect): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    createdAt: event.createdAt.toISOString(),
    data: event.data,
  });
}

export type DeliveryJob = { deliveryId: string; attempt: number };

const timeoutMs = 10_000;
const excerptLength = 500;
/** No single wait between retries is longer than this; retries end when `retryUntil` (24 h) is reached. */
const longestDelaySeconds = 2 * 60 * 60;

/** Exponential backoff with ±20 % jitter: 30 s, 1 min, 2 min … (STAGEWAY_WEBHOOK_RETRY_SECONDS sets the first). */
export function retryDelaySeconds(attempt: number, random = Math.random()): number {
  const base = env.STAGEWAY_WEBHOOK_RETRY_SECONDS * 2 ** (attempt - 1);
  return Math.min(base, longestDelaySeconds) * (0.8 + 0.4 * random);
}

type Outcome = { status: number | null; excerpt: string | null; error: string | null; durationMs: number };

/** One POST: at most 10 s, no redirects followed, no private address reached, 500 characters of the answer kept. */
function post(url: URL, body: string, headers: Record<string, string>): Promise<Outcome> {
  const started = performance.now();
  const done = (outcome: Omit<Outcome, 'durationMs'>): Outcome => ({
    ...outcome,
    durationMs: Math.round(performance.now() - started),
  });
  const refused = literalAddressProblem(url);
  if (refused) return Promise.resolve(done({ status: null, excerpt: null, error: refused }));
  return new Promise((resolve) => {
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup,
        timeout: timeoutMs,
      },
      (response) => {
        let excerpt = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (excerpt.length < excerptLength) excerpt += chunk;
          else response.destroy();
        });
        const finish = () =>
          resolve(
            done({
              status: response.statusCode ?? null,
              excerpt: excerpt.slice(0, excerptLength),
              error: null,
            }),
          );
        response.on('end', finish);
        response.on('close', finish);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`No answer within ${timeoutMs / 1000} s`)));
    request.on('error', (error) =>
      resolve(done({ status: null, excerpt: null, error: error.message.slice(0, excerptLength) })),
    );
    request.end(body);
  });
}

/**
 * The webhook-deliver job: one attempt of one delivery. A 2xx answer ends it; anything else schedules
 * the next attempt with backoff, until `retryUntil` has passed (then the delivery is `failed`). The
 * attempt is recorded, and the next one queued, in one transaction that only counts if no other run
 * recorded this attempt first; a job for an attempt already made (a crash's rerun, a superseded
 * retry after a redelivery) does nothing.
 */
export async function deliverWebhook({ deliveryId, attempt }: DeliveryJob): Promise<void> {
  const db = getDb();
  const [row] = await db
    .select({ delivery: webhookDeliveries, webhook: webhooks, event: outboxEvents })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .innerJoin(outboxEvents, eq(outboxEvents.id, webhookDeliveries.eventId))
    .where(eq(webhookDeliveries.id, deliveryId));
  if (!row || row.delivery.status !== 'pending' || row.delivery.attempts !== attempt - 1) return;
  const { delivery, webhook, event } = row;

  let outcome: Outcome;
  if (!webhook.active) {
    outcome = { status: null, excerpt: null, error: 'The webhook is turned off.', durationMs: 0 };
  } else {
    const body = webhookBody(event);
    outcome = await post(new URL(webhook.url), body, {
      'content-type': 'application/json',
      'user-agent': 'Stageway-Webhooks/1',
      'stageway-event': event.type,
      'stageway-event-id': event.id,
      'stageway-delivery': delivery.id,
      'stageway-signature': signatureHeader(
        openWebhookSecret(webhook.secretCiphertext),
        body,
        Math.floor(Date.now() / 1000),
      ),
    });
  }

  const succeeded = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
  const delay = retryDelaySeconds(attempt);
  const next = new Date(Date.now() + delay * 1000);
  const retry = !succeeded && webhook.active && next <= delivery.retryUntil;
  await db.transaction(async (tx) => {
    const [recorded] = await tx
      .update(webhookDeliveries)
      .set({
        status: succeeded ? 'succeeded' : retry ? 'pending' : 'failed',
        attempts: attempt,
        responseStatus: outcome.status,
        responseExcerpt: outcome.excerpt,
        error: outcome.error,
        durationMs: outcome.durationMs,
        lastAttemptAt: sql`now()`,
        nextAttemptAt: retry ? next : null,
      })
      .where(
        and(
          eq(webhookDeliveries.id, delivery.id),
          eq(webhookDeliveries.status, 'pending'),
          eq(webhookDeliveries.attempts, attempt - 1),
        ),
      )
      .returning({ id: webhookDeliveries.id });
    if (recorded && retry) {
      await enqueue(tx, queues.deliverWebhook, { deliveryId, attempt: attempt + 1 } satisfies DeliveryJob, {
        startAfter: Math.ceil(delay),
      });
    }
  });
}
