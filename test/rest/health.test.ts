import { describe, expect, it, vi } from 'vitest';

import * as healthRoute from '@/app/api/health/route';
import { getDb } from '@/db';

import { expectConforms } from './harness';

/** Issue 11: health endpoints for load balancers, without a token. */

const get = async (query = '') => {
  const response = await healthRoute.GET(new Request(`http://localhost/api/health${query}`));
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: JSON.parse(text),
    contentType: response.headers.get('content-type') ?? '',
  };
};

describe('GET /api/health', () => {
  it('answers liveness without a token, and readiness with the database', async () => {
    const live = await get();
    expect(live).toMatchObject({ status: 200, body: { status: 'ok' } });
    expectConforms('/health', 'get', live);
    const ready = await get('?ready=1');
    expect(ready).toMatchObject({ status: 200, body: { status: 'ok', database: { status: 'ok' } } });
    expectConforms('/health', 'get', ready);
  });

  it('is not ready (503, Retry-After) when the database does not answer in time; liveness still answers', async () => {
    const db = getDb();
    const stuck = vi.spyOn(db, 'execute').mockReturnValue(new Promise(() => {}) as never);
    try {
      const notReady = await get('?ready=1');
      expect(notReady).toMatchObject({
        status: 503,
        body: { status: 503, detail: 'The database did not answer (timed out).' },
      });
      expect(notReady.headers.get('retry-after')).toBe('5');
      expectConforms('/health', 'get', notReady);
      expect((await get()).status).toBe(200);
    } finally {
      stuck.mockRestore();
    }
  });
});
