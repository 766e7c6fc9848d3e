import { sql } from 'drizzle-orm';

import { databaseDriver, getDb } from '@/db';
import { json } from '@/lib/http/api-route';
import { problem } from '@/lib/http/problem';

/** How long readiness waits for the database before saying it is not ready. */
const readyTimeoutMs = 2000;

/**
 * For load balancers and orchestrators, without a token. `GET /api/health`: liveness — the process
 * answers (nothing else is touched). `GET /api/health?ready=1`: readiness — the database answers a
 * query within 2 s; 503 problem+json otherwise, so the balancer sends traffic elsewhere.
 */
export async function GET(request: Request): Promise<Response> {
  const ready = ['1', 'true'].includes(new URL(request.url).searchParams.get('ready') ?? '');
  if (!ready) return json({ status: 'ok' });
  const started = performance.now();
  try {
    await Promise.race([
      getDb().execute(sql`select 1`),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), readyTimeoutMs).unref()),
    ]);
    return json({
      status: 'ok',
      database: {
        status: 'ok',
        driver: databaseDriver(),
        latencyMs: Math.round(performance.now() - started),
      },
    });
  } catch (error) {
    return problem(
      503,
      undefined,
      `The database did not answer (${error instanceof Error ? error.message : 'unreachable'}).`,
      { 'Retry-After': '5' },
    );
  }
}

export const HEAD = GET;
