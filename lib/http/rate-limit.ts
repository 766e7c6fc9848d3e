import 'server-only';

import { lt, sql } from 'drizzle-orm';

import { getDb } from '@/db';
import { rateLimitWindows } from '@/db/schema';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';

/**
 * Counts one request against a fixed one-minute window for this key (a token) and refuses with 429
 * (and the seconds until the window ends) beyond the limit. One upsert per request; the count lives in
 * PostgreSQL, so every instance sees the same one.
 */
export async function takeRateLimit(key: string, limit = env.API_RATE_LIMIT_PER_MINUTE): Promise<void> {
  const db = getDb();
  const [row] = await db
    .insert(rateLimitWindows)
    .values({ key, windowStart: sql`date_trunc('minute', now())`, count: 1 })
    .onConflictDoUpdate({
      target: [rateLimitWindows.key, rateLimitWindows.windowStart],
      set: { count: sql`${rateLimitWindows.count} + 1` },
    })
    .returning({
      count: rateLimitWindows.count,
      retryAfter: sql<number>`ceil(extract(epoch from (${rateLimitWindows.windowStart} + interval '1 minute' - now())))::int`,
    });
  // Past windows are worthless: prune them now and then rather than in a job.
  if (Math.random() < 0.01)
    await db
      .delete(rateLimitWindows)
      .where(lt(rateLimitWindows.windowStart, sql`now() - interval '5 minutes'`));
  if (row && row.count > limit) {
    throw new AppError('rate_limited', `Over ${limit} requests a minute: wait, then retry.`, {
      details: { retryAfterSeconds: Math.max(1, row.retryAfter) },
    });
  }
}
