import { describe, expect, it } from 'vitest';

import * as environmentsRoute from '@/app/api/v1/environments/route';
import { takeRateLimit } from '@/lib/http/rate-limit';

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
});
