import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  client,
  createDatabase,
  deploymentEnv,
  hasNginx,
  issueTokens,
  signIn,
  sleep,
  startNginx,
  startServer,
  waitUntil,
  type Server,
} from './harness';

/**
 * Two production server processes on one PostgreSQL behind nginx (round robin), sharing nothing but
 * the database and the deployment's secrets: every guarantee that one instance gives must hold across
 * both. Each race is split across the instances (nginx alternates; the X-Upstream header shows which
 * served), and the outcome is read from the database.
 */
const rateLimit = 200;

// CI installs nginx (.ci/run); elsewhere the test needs it on PATH.
describe.runIf(hasNginx() || process.env.CI)('two instances behind a load balancer', () => {
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let instances: Server[] = [];
  let balancer: Awaited<ReturnType<typeof startNginx>>;
  let tokens: Record<string, string>;
  const as = (email: string) => client(balancer.origin, tokens[email]!);

  beforeAll(async () => {
    database = await createDatabase();
    tokens = issueTokens(database.url, [
      'alice@example.com',
      'bob@example.com',
      'dave@example.com',
      'admin@example.com',
    ]);
    const env = deploymentEnv(database.url, { API_RATE_LIMIT_PER_MINUTE: String(rateLimit) });
    instances = await Promise.all([startServer(env), startServer(env)]);
    balancer = await startNginx(instances.map((instance) => instance.port));
  }, 240_000);

  afterAll(async () => {
    await balancer?.stop();
    await Promise.all(instances.map((instance) => instance.stop()));
    await database?.drop();
  });

  async function devApi(name: string): Promise<string> {
    const { json } = await as('alice@example.com')('GET', '/environments/dev/apis?limit=100');
    const api = (json.items as { id: string; name: string }[]).find((item) => item.name === name);
    if (!api) throw new Error(`No DEV API named ${name}`);
    return api.id;
  }

  const upstreams = (responses: { headers: Headers }[]) =>
    new Set(responses.map((response) => response.headers.get('x-upstream')));

  it('a 50-way duplicate promotion race and a 10-way decision race each have exactly one winner', async () => {
    const apiId = await devApi('Order Tracking');
    const requests = await Promise.all(
      Array.from({ length: 50 }, () =>
        as('alice@example.com')('POST', `/apis/${apiId}/promotions`, { target: 'qa' }),
      ),
    );
    expect(upstreams(requests).size).toBe(2);
    const others = requests.filter((response) => ![201, 409].includes(response.status));
    expect(others.map((response) => response.text)).toEqual([]);
    expect(requests.filter((response) => response.status === 201)).toHaveLength(1);
    expect(requests.filter((response) => response.status === 409)).toHaveLength(49);
    const [pending] = await database.sql<{ count: number }[]>`
      select count(*)::int as count from promotions
      where api_id = ${apiId} and status = 'pending'`;
    expect(pending!.count).toBe(1);

    const promotionId = requests.find((response) => response.status === 201)!.json.id as string;
    const decisions = await Promise.all(
      Array.from({ length: 10 }, () =>
        as('bob@example.com')('POST', `/promotions/${promotionId}/approve`, { comment: 'ok' }),
      ),
    );
    expect(upstreams(decisions).size).toBe(2);
    expect(decisions.filter((response) => response.status === 200)).toHaveLength(1);
    expect(decisions.filter((response) => response.status === 409)).toHaveLength(9);
    const [events] = await database.sql<{ approvals: number; accepted: number }[]>`
      select count(*) filter (where action = 'promotion.approved')::int as approvals,
             count(*) filter (where action = 'promotion.accepted')::int as accepted
      from audit_events where target_id = ${promotionId} and outcome = 'success'`;
    expect(events).toEqual({ approvals: 1, accepted: 1 });
  });

  it('async applies queued through either instance run exactly once', async () => {
    const names = ['Product Catalog', 'Notifications'];
    const ids: string[] = [];
    for (const name of names) {
      const response = await as('alice@example.com')('POST', `/apis/${await devApi(name)}/promotions`, {
        target: 'qa',
      });
      expect(response.status, `${name}: ${response.text}`).toBe(201);
      ids.push(response.json.id as string);
    }
    const accepted = await Promise.all(
      ids.map((id) => as('bob@example.com')('POST', `/promotions/${id}/approve?async=true`, {})),
    );
    expect(accepted.map((response) => response.status)).toEqual([202, 202]);
    expect(upstreams(accepted).size).toBe(2);

    await waitUntil(async () => {
      const rows = await database.sql<{ status: string }[]>`
        select status from promotions where id = any(${ids}::uuid[])`;
      return rows.every((row) => row.status === 'accepted');
    }, 60_000);
    // Give a duplicate run (if any instance ran a job twice) time to show, then count.
    await sleep(3_000);
    const applied = await database.sql<{ target_id: string; count: number }[]>`
      select target_id, count(*)::int as count from audit_events
      where action = 'promotion.accepted' and target_id = any(${ids}) group by target_id`;
    expect(applied.map((row) => row.count)).toEqual([1, 1]);
    const created = await database.sql<{ name: string; count: number }[]>`
      select a.name, count(*)::int as count from apis a join environments e on e.id = a.environment_id
      where e.key = 'qa' and a.name = any(${names}) group by a.name`;
    expect(created.map((row) => row.count)).toEqual([1, 1]);
  });

  it('an idempotency key holds across instances: one promotion, one answer', async () => {
    const apiId = await devApi('Payments');
    const headers = { 'idempotency-key': `scale-out-${Date.now()}` };
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        as('alice@example.com')('POST', `/apis/${apiId}/promotions`, { target: 'qa' }, headers),
      ),
    );
    expect(upstreams(responses).size).toBe(2);
    const created = responses.filter((response) => response.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    // Every success is the same promotion (a replay); the rest were told the first is still running.
    expect(new Set(created.map((response) => response.json.id)).size).toBe(1);
    for (const response of responses) expect([201, 409]).toContain(response.status);
    const [count] = await database.sql<{ count: number }[]>`
      select count(*)::int as count from promotions where api_id = ${apiId}`;
    expect(count!.count).toBe(1);
  });

  it('the rate limit holds across instances', async () => {
    // Start well inside a minute, so the burst falls in one window.
    const [now] = await database.sql<{ second: number }[]>`select extract(second from now())::int as second`;
    if (now!.second > 40) await sleep((61 - now!.second) * 1000);
    const dave = as('dave@example.com');
    const statuses: number[] = [];
    const seen = new Set<string | null>();
    for (let round = 0; round < 15; round++) {
      const responses = await Promise.all(Array.from({ length: 20 }, () => dave('GET', '/environments')));
      for (const response of responses) {
        statuses.push(response.status);
        seen.add(response.headers.get('x-upstream'));
      }
    }
    expect(seen.size).toBe(2);
    expect(statuses.filter((status) => status === 200)).toHaveLength(rateLimit);
    expect(statuses.filter((status) => status === 429)).toHaveLength(300 - rateLimit);
  });

  it('a session started on one instance works on the other', async () => {
    const [first, second] = instances as [Server, Server];
    const cookie = await signIn(first.origin, 'bob@example.com');
    for (const instance of [first, second]) {
      const response = await fetch(`${instance.origin}/api/v1/environments`, { headers: { cookie } });
      expect(response.status).toBe(200);
    }
    // And the console's own pages.
    const page = await fetch(`${second.origin}/tasks`, { headers: { cookie }, redirect: 'manual' });
    expect(page.status).toBe(200);
  });

  it('the audit sealers of both instances chain one trail: every event sealed once, verified intact', async () => {
    await sleep(3_000);
    const duplicates = await database.sql`
      select seq from audit_seals, unnest(event_seqs) as seq group by seq having count(*) > 1`;
    expect(duplicates).toHaveLength(0);
    const [seals] = await database.sql<{ count: number; max: number }[]>`
      select count(*)::int as count, max(id)::int as max from audit_seals`;
    expect(seals!.count).toBeGreaterThan(0);
    expect(seals!.max).toBe(seals!.count);
    const verification = await as('admin@example.com')('GET', '/audit/verify');
    expect(verification.status).toBe(200);
    expect(verification.json).toMatchObject({ isIntact: true, firstBreak: null });
  });
});
