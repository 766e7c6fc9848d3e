import 'server-only';

import { createHash } from 'node:crypto';

import { and, eq, lt, sql } from 'drizzle-orm';

import { getDb } from '@/db';
import { idempotencyKeys } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';

const keyPattern = /^[\x21-\x7e]{1,255}$/;
const replayedHeaders = ['content-type', 'location'];

/**
 * Runs a POST at most once per `Idempotency-Key` (per user): a retry with the same key and body gets
 * the first response again, without a second effect; the same key with another body is 422; a retry
 * while the first is still running is 409. The key is claimed (a row in `running`) before the work
 * starts, so two racing retries cannot both run it. A request that fails with an unexpected error
 * releases its key so it can be retried; one whose process dies mid-way keeps it `running` (a 409)
 * rather than risk a second effect. Keys are remembered for 24 hours.
 */
export async function withIdempotency(
  actor: Actor,
  request: Request,
  bodyText: string,
  run: () => Promise<Response>,
): Promise<Response> {
  const key = request.headers.get('idempotency-key');
  if (!key) return run();
  if (!keyPattern.test(key))
    throw new AppError('validation', 'Idempotency-Key must be 1–255 visible ASCII characters.');

  const url = new URL(request.url);
  const fingerprint = createHash('sha256')
    .update(`${request.method} ${url.pathname}${url.search}\n${bodyText}`)
    .digest('hex');
  const db = getDb();
  const where = and(eq(idempotencyKeys.userId, actor.userId), eq(idempotencyKeys.key, key));

  // Keys are kept a day: prune older ones now and then rather than in a job.
  if (Math.random() < 0.01)
    await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, sql`now() - interval '24 hours'`));
  const claimed = await db
    .insert(idempotencyKeys)
    .values({ userId: actor.userId, key, fingerprint })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (!claimed.length) {
    const [first] = await db.select().from(idempotencyKeys).where(where);
    if (!first) throw new AppError('conflict', 'This Idempotency-Key is being released; retry.');
    if (first.fingerprint !== fingerprint) {
      throw new AppError(
        'unprocessable',
        'This Idempotency-Key was used with a different request: use a new key.',
      );
    }
    if (first.state === 'running')
      throw new AppError('conflict', 'A request with this Idempotency-Key is still running.');
    return new Response(first.responseBody, {
      status: first.responseStatus ?? 200,
      headers: { ...first.responseHeaders, 'Idempotent-Replayed': 'true' },
    });
  }

  let response: Response;
  try {
    response = await run();
  } catch (error) {
    await db.delete(idempotencyKeys).where(where);
    throw error;
  }
  const body = await response.clone().text();
  const headers = Object.fromEntries(
    replayedHeaders.flatMap((name) => {
      const value = response.headers.get(name);
      return value ? [[name, value]] : [];
    }),
  );
  await db
    .update(idempotencyKeys)
    .set({ state: 'done', responseStatus: response.status, responseHeaders: headers, responseBody: body })
    .where(where);
  return response;
}
