import { describe, expect, it } from 'vitest';

import * as environmentsRoute from '@/app/api/v1/environments/route';
import { encode } from 'next-auth/jwt';

import { sql } from 'drizzle-orm';

import { getDb } from '@/db';
import { executeRows } from '@/db/execute-rows';
import { noRequestContext } from '@/lib/auth/actor';
import { startSession } from '@/lib/auth/sessions';
import { RateLimiter, takeRateLimit } from '@/lib/http/rate-limit';
import { userIdOf } from '@/test/fixtures';

import { call, tokenFor } from './harness';

describe('rate limit', () => {
  it('answers 429 with Retry-After once a token exceeds its rate', async () => {
    const key = `test:${Math.random()}`;
    for (let request = 0; request < 3; request++) await takeRateLimit(key, 3);
    const refusal = await takeRateLimit(key, 3).catch((error) => error);
    expect(refusal).toMatchObject({
      code: 'rate_limited',
      details: { retryAfterSeconds: expect.any(Number) },
    });

    // End to end: one token past its 600 requests a minute gets a 429 problem with Retry-After.
    // (A minute boundary during the loop resets the count, hence up to two windows' worth.)
    const token = await tokenFor('bob@example.com');
    let refused: Awaited<ReturnType<typeof call>> | undefined;
    for (let request = 0; request < 1250 && !refused; request++) {
      const response = await call(environmentsRoute.GET, { path: '/environments', token });
      if (response.status === 429) refused = response;
      else expect(response.status).toBe(200);
    }
    expect(refused).toBeDefined();
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused!.contentType).toContain('application/problem+json');
  });

  it('grants exactly the limit across instances that each lease quota in memory', async () => {
    // Two limiters are two app instances (no shared memory): 900 concurrent requests, alternating
    // between them, against a limit of 500 — exactly 500 pass.
    const key = `test:${Math.random()}`;
    const instances = [new RateLimiter(), new RateLimiter()];
    const outcomes = await Promise.all(
      Array.from({ length: 900 }, (_, request) =>
        instances[request % 2]!.take(key, 500).then(
          () => 'granted',
          (error) => error.code,
        ),
      ),
    );
    const counts = {
      granted: outcomes.filter((outcome) => outcome === 'granted').length,
      rate_limited: outcomes.filter((outcome) => outcome === 'rate_limited').length,
    };
    // A minute boundary during the burst opens a new window: then more than 500 may pass, never fewer.
    expect(counts.granted + counts.rate_limited).toBe(900);
    const windows = await executeRows<{ count: number }>(
      getDb(),
      sql`select count from rate_limit_windows where key = ${key}`,
    );
    if (windows.length === 1) expect(counts.granted).toBe(500);
    else expect(counts.granted).toBeGreaterThanOrEqual(500);
  });

  it('counts calls that come with the session cookie too, per user', async () => {
    const userId = await userIdOf('dave@example.com');
    const sid = await startSession(getDb(), userId, 'password', noRequestContext);
    const cookie = `authjs.session-token=${await encode({
      token: { sub: userId, authMethod: 'password', sid },
      secret: process.env.AUTH_SECRET!,
      salt: 'authjs.session-token',
    })}`;
    // Fill dave's window as if he had made 600 calls this minute, then call once more with the cookie.
    for (let request = 0; request < 600; request++) await takeRateLimit(`user:${userId}`).catch(() => {});
    const response = await call(environmentsRoute.GET, { path: '/environments', headers: { cookie } });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
