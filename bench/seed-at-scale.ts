/**
 * A real organization's size, on top of the demo data, with set-based SQL: 50 environments in 5
 * installations (made through the domain, so each has its policies), 500 users with environment roles,
 * 10,000 APIs with 5 revisions each, 200,000 promotions (10,000 pending across the environments), and
 * 1,000,000 audit events with valid hashes (hashed here, inserted 10,000 at a time).
 */
import { sql } from 'drizzle-orm';

import type { Database } from '@/db';

export const scale = {
  installations: 5,
  environments: 50,
  users: 500,
  apis: 10_000,
  revisionsPerApi: 5,
  promotions: 200_000,
  pending: 10_000,
  auditEvents: Number(process.env.BENCH_EVENTS ?? 1_000_000),
};

const fmt = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 1 });

export async function seedAtScale(
  db: Database,
  log: (line: string) => void,
): Promise<Record<string, number>> {
  const { loadActor } = await import('@/lib/auth/actor');
  const { createInstallation } = await import('@/lib/environments/installation-writes');
  const { createEnvironment } = await import('@/lib/environments/create-environment');
  const { executeRows } = await import('@/db/execute-rows');
  const timings: Record<string, number> = {};
  const step = async (name: string, run: () => Promise<unknown>) => {
    const started = performance.now();
    await run();
    timings[name] = (performance.now() - started) / 1000;
    log(`  ${name}: ${fmt(timings[name]!)} s`);
  };

  const [admin] = await executeRows<{ id: string }>(
    db,
    sql`select id::text from users where email = 'admin@example.com'`,
  );
  const adminActor = (await loadActor(db, admin!.id, 'password'))!;

  await step('installations and environments (domain functions)', async () => {
    const existing = await executeRows<{ key: string }>(
      db,
      sql`select key from installations order by position`,
    );
    const installationKeys = existing.map((row) => row.key);
    for (let index = installationKeys.length; index < scale.installations; index++) {
      const key = `site${index + 1}`;
      await createInstallation(adminActor, { key, name: `Site ${index + 1}` });
      installationKeys.push(key);
    }
    const [{ count }] = (await executeRows<{ count: number }>(
      db,
      sql`select count(*)::int as count from environments`,
    )) as [{ count: number }];
    for (let index = count; index < scale.environments; index++) {
      await createEnvironment(adminActor, {
        key: `e${String(index + 1).padStart(2, '0')}`,
        name: `E${String(index + 1).padStart(2, '0')}`,
        installation: installationKeys[index % installationKeys.length]!,
      });
    }
  });

  await step('users and roles', () =>
    db.execute(sql`
      with template as (select password_hash from users where email = 'alice@example.com'),
      made as (
        insert into users (email, name, password_hash)
        select 'user' || n || '@bench.example', 'Bench User ' || n, (select password_hash from template)
        from generate_series(1, ${sql.raw(String(scale.users))} - (select count(*) from users)) as n
        returning id
      ),
      numbered as (select id, row_number() over () as n from made),
      envs as (select id, row_number() over (order by position, key) - 1 as n, count(*) over () as total from environments)
      insert into role_bindings (user_id, scope, environment_id, role)
      select u.id, 'environment', e.id, (array['APPROVER', 'PUBLISHER', 'MAINTAINER', 'USER'])[1 + (u.n + k) % 4]
      from numbered u cross join generate_series(0, 2) as k
      join envs e on e.n = (u.n * 7 + k * 13) % e.total`),
  );

  await step('APIs and revisions', async () => {
    await db.execute(sql`
      with template as (
        select definition from api_revisions order by length(definition::text) limit 1
      ),
      envs as (select id, row_number() over (order by position, key) - 1 as n, count(*) over () as total from environments),
      made as (
        insert into apis (environment_id, definition, lifecycle_state, current_revision, updated_at)
        select e.id,
          (select definition from template) || jsonb_build_object(
            'name', 'Bench API ' || g.i, 'contextPath', '/bench/' || g.i, 'version', '1.${sql.raw(String(scale.revisionsPerApi))}.0'),
          'published', ${sql.raw(String(scale.revisionsPerApi))}, now() - (g.i || ' minutes')::interval
        from generate_series(1, ${sql.raw(String(scale.apis))}) as g(i)
        join envs e on e.n = g.i % e.total
        returning id, definition
      )
      insert into api_revisions (api_id, revision, definition, message)
      select id, r, definition || jsonb_build_object('version', '1.' || r || '.0'), 'revision ' || r
      from made cross join generate_series(1, ${sql.raw(String(scale.revisionsPerApi))}) as r`);
  });

  await step('promotions', async () => {
    // Each bench API: one pending request to the next environment (10,000 pending), and decided ones
    // to the others: 19 per API, accepted, rejected or cancelled, over the past year.
    const requesters = await executeRows<{ id: string }>(db, sql`select id::text from users limit 200`);
    void requesters;
    await db.execute(sql`
      with envs as (select id, row_number() over (order by position, key) - 1 as n, count(*) over () as total from environments),
      bench as (
        select a.id, a.cross_id, a.environment_id, e.n as env_n, e.total,
          row_number() over (order by a.id) as i
        from apis a join envs e on e.id = a.environment_id where a.definition ->> 'name' like 'Bench API %'
      ),
      people as (select array_agg(id) as ids from (select id from users order by email limit 200) p),
      planned as (
        select b.*, k,
          case when k = 0 and b.i <= ${sql.raw(String(scale.pending))} then 'pending'
               else (array['accepted', 'accepted', 'rejected', 'cancelled'])[1 + (b.i + k) % 4] end as status
        from bench b cross join generate_series(0, ${sql.raw(String(scale.promotions / scale.apis - 1))}) as k
      )
      insert into promotions (api_id, cross_id, source_environment_id, target_environment_id, source_revision,
        snapshot, status, requested_by, created_at, decided_by, decided_at, title)
      select p.id, p.cross_id, p.environment_id, t.id, 1 + (p.i + p.k) % ${sql.raw(String(scale.revisionsPerApi))},
        (select r.definition from api_revisions r where r.api_id = p.id and r.revision = 1 + (p.i + p.k) % ${sql.raw(String(scale.revisionsPerApi))}),
        p.status::promotion_status,
        (select ids[1 + (p.i + p.k) % array_length(ids, 1)] from people),
        now() - ((p.k * 17 + p.i % 17) || ' days')::interval - (p.i || ' seconds')::interval,
        case when p.status = 'pending' then null else (select ids[1 + (p.i * 3 + p.k) % array_length(ids, 1)] from people) end,
        case when p.status = 'pending' then null else now() - ((p.k * 17 + p.i % 17) || ' days')::interval + interval '1 hour' end,
        'Bench promotion ' || p.i || '.' || p.k
      from planned p
      join envs t on t.n = (p.env_n + 1 + p.k % (p.total - 1)) % p.total`);
  });

  await step(`audit events (${fmt(scale.auditEvents)}, hashed in Node)`, () =>
    loadAuditEvents(db, scale.auditEvents),
  );
  await step('analyze', () => db.execute(sql`analyze`));
  return timings;
}

/** A year of activity, oldest first, in the proportions a busy organization would see. */
export async function loadAuditEvents(db: Database, total: number) {
  const { hashAuditEvent } = await import('@/lib/audit/event-hash');
  const { executeRows } = await import('@/db/execute-rows');
  const environments = (await executeRows<{ id: string }>(db, sql`select id::text from environments`)).map(
    (row) => row.id,
  );
  const people = await executeRows<{ id: string; name: string }>(
    db,
    sql`select id::text, name from users limit 500`,
  );
  const apiIds = (await executeRows<{ id: string }>(db, sql`select id::text from apis limit 2000`)).map(
    (row) => row.id,
  );
  const actions: [string, number][] = [
    ['auth.signed_in', 30],
    ['auth.sign_in_failed', 4],
    ['auth.signed_out', 10],
    ['api.updated', 25],
    ['api.created', 3],
    ['promotion.requested', 10],
    ['promotion.accepted', 7],
    ['promotion.rejected', 2],
    ['promotion.cancelled', 1],
    ['promotion.failed', 1],
    ['role.granted', 2],
    ['token.created', 1],
    ['environment.updated', 1],
  ];
  const weights = actions.flatMap(([action, weight]) => Array<string>(weight).fill(action));
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const start = Date.now() - 365 * 24 * 3600 * 1000;
  const step = (365 * 24 * 3600 * 1000) / total;
  const batch = 10_000;
  // PostgreSQL inserts one batch while Node hashes the next.
  let inserting: Promise<unknown> = Promise.resolve();
  for (let offset = 0; offset < total; offset += batch) {
    const rows = [];
    for (let index = offset; index < Math.min(total, offset + batch); index++) {
      const action = pick(weights);
      const person = pick(people);
      const isSystem = action === 'promotion.failed';
      const environmentIds = action.startsWith('promotion.')
        ? [pick(environments), pick(environments)].filter((id, i, all) => all.indexOf(id) === i)
        : action.startsWith('auth.') || action.startsWith('token.')
          ? []
          : [pick(environments)];
      const outcome = action === 'auth.sign_in_failed' || random() < 0.03 ? 'denied' : 'success';
      const content = {
        occurredAt: new Date(Math.floor(start + index * step)),
        actorType: isSystem ? 'system' : 'user',
        actorId: isSystem ? null : person.id,
        actorName: isSystem ? 'Stageway' : person.name,
        authMethod: isSystem ? null : 'password',
        sourceIp: isSystem ? null : `10.0.${index % 250}.${(index >> 8) % 250}`,
        userAgent: isSystem ? null : 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130',
        requestId: isSystem ? null : `req-${index}`,
        action,
        environmentIds,
        targetType: action.split('.')[0]!,
        targetId: action.startsWith('api.') ? pick(apiIds) : `${index}`,
        outcome,
        reason: outcome === 'denied' ? 'You may not change the definition of this API.' : null,
        changes:
          action === 'api.updated' && outcome === 'success'
            ? {
                before: { revision: (index % 9) + 1, definition: { version: `1.${index % 9}.0` } },
                after: { revision: (index % 9) + 2, definition: { version: `1.${(index % 9) + 1}.0` } },
              }
            : null,
      };
      rows.push({
        occurred_at: content.occurredAt.toISOString(),
        actor_type: content.actorType,
        actor_id: content.actorId,
        actor_name: content.actorName,
        auth_method: content.authMethod,
        source_ip: content.sourceIp,
        user_agent: content.userAgent,
        request_id: content.requestId,
        action: content.action,
        environment_ids: content.environmentIds,
        target_type: content.targetType,
        target_id: content.targetId,
        outcome: content.outcome,
        reason: content.reason,
        changes: content.changes,
        hash: hashAuditEvent(content),
      });
    }
    await inserting;
    inserting = db
      .execute(
        sql`insert into audit_events (occurred_at, actor_type, actor_id, actor_name, auth_method,
        source_ip, user_agent, request_id, action, environment_ids, target_type, target_id, outcome, reason, changes, hash)
      select occurred_at, actor_type, actor_id, actor_name, auth_method, source_ip, user_agent, request_id, action,
        environment_ids, target_type, target_id, outcome, reason, changes, hash
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(occurred_at timestamptz, actor_type actor_type,
        actor_id text, actor_name text, auth_method text, source_ip text, user_agent text, request_id text, action text,
        environment_ids uuid[], target_type text, target_id text, outcome audit_outcome, reason text, changes jsonb, hash text)`,
      )
      // Started now (a drizzle query runs when awaited or then-ed), awaited before the next batch.
      .then(() => undefined);
  }
  await inserting;
}
