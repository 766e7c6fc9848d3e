import 'server-only';

import { lt, sql } from 'drizzle-orm';

import { getDb } from '@/db';
import { rateLimitWindows } from '@/db/schema';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';

/** Quota this instance holds for one key in the current one-minute window. */
type Lease = { windowEndsAt: number; left: number; exhausted: boolean; unleased: number };

/**
 * Per-key request limits over fixed one-minute windows, shared by every instance through PostgreSQL
 * without a row that every request writes. Each instance **leases** quota from the window's row: one
 * upsert adds what it asks for to the row's count and is granted what was still under the limit, then
 * requests are served from the lease in memory. A lease is an eighth of what the row said was still
 * unleased (at least one), so the row is written a few dozen times a minute per key and instance
 * instead of once per request, and the quota one instance holds unused while another is refused stays
 * small — near the limit, leases are single requests. The instances together never grant more than the
 * limit; once the row says the window is spent, the instance refuses locally until the window ends.
 */
export class RateLimiter {
  private readonly leases = new Map<string, Lease>();
  private readonly pending = new Map<string, Promise<Lease>>();

  async take(key: string, limit: number): Promise<void> {
    for (;;) {
      const now = Date.now();
      let lease = this.leases.get(key);
      if (lease && lease.windowEndsAt <= now) {
        this.leases.delete(key);
        lease = undefined;
      }
      if (lease && lease.left > 0) {
        lease.left--;
        return;
      }
      if (lease?.exhausted) throw refusal(limit, lease.windowEndsAt - now);
      // One lease request per key at a time; the others wait for it and then take from it.
      let next = this.pending.get(key);
      if (!next) {
        next = this.lease(key, limit, lease).finally(() => this.pending.delete(key));
        this.pending.set(key, next);
      }
      this.leases.set(key, await next);
    }
  }

  private async lease(key: string, limit: number, spent: Lease | undefined): Promise<Lease> {
    const want = Math.max(1, Math.floor((spent ? spent.unleased : limit) / 8));
    const db = getDb();
    const [row] = await db
      .insert(rateLimitWindows)
      .values({ key, windowStart: sql`date_trunc('minute', now())`, count: want })
      .onConflictDoUpdate({
        target: [rateLimitWindows.key, rateLimitWindows.windowStart],
        set: { count: sql`${rateLimitWindows.count} + ${want}` },
      })
      .returning({
        count: rateLimitWindows.count,
        msLeft: sql<number>`ceil(extract(epoch from (${rateLimitWindows.windowStart} + interval '1 minute' - now())) * 1000)::int`,
      });
    // Past windows are worthless: prune them now and then rather than in a job.
    if (Math.random() < 0.01)
      await db
        .delete(rateLimitWindows)
        .where(lt(rateLimitWindows.windowStart, sql`now() - interval '5 minutes'`));
    // The count includes what was asked beyond the limit; what was under it before this ask is granted.
    const granted = Math.max(0, Math.min(want, limit - (row!.count - want)));
    return {
      windowEndsAt: Date.now() + Math.max(1, row!.msLeft),
      left: granted,
      exhausted: granted < want,
      unleased: Math.max(0, limit - row!.count),
    };
  }
}

function refusal(limit: number, msLeft: number) {
  return new AppError('rate_limited', `Over ${limit} requests a minute: wait, then retry.`, {
    details: { retryAfterSeconds: Math.max(1, Math.ceil(msLeft / 1000)) },
  });
}

const instanceLimiter = new RateLimiter();

/**
 * Counts one request against this key's (a token's, or a session user's) one-minute window and refuses
 * with 429 (and the seconds until the window ends) beyond the limit, across all instances.
 */
export function takeRateLimit(key: string, limit = env.API_RATE_LIMIT_PER_MINUTE): Promise<void> {
  return instanceLimiter.take(key, limit);
}
