/**
 * `npm run bench`: the audit trail at one million events on PostgreSQL. Loads a realistic trail (valid
 * hashes), then measures with the app's own functions: sealing, the audit page's first page and a page
 * 900,000 events deep under filters, export speed with peak memory, verification, and the cost of
 * recording. BENCH_DATABASE_URL names a database to use; by default a fresh one is created on
 * 127.0.0.1:5432 and dropped afterwards. BENCH_EVENTS changes the size.
 */
import postgres from 'postgres';

const serverUrl = process.env.BENCH_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const total = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const deep = Math.min(900_000, Math.floor(total * 0.9));
const batch = 10_000;

const ms = (start: number) => performance.now() - start;
const fmt = (value: number, digits = 1) => value.toLocaleString('en-US', { maximumFractionDigits: digits });

function withDatabase(url: string, name: string) {
  const next = new URL(url);
  next.pathname = `/${name}`;
  return next.toString();
}

async function main() {
  let created: string | null = null;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  if (process.env.BENCH_DATABASE_URL) {
    process.env.DATABASE_URL = process.env.BENCH_DATABASE_URL;
  } else {
    created = `stageway_bench_${Date.now().toString(36)}`;
    await admin.unsafe(`create database "${created}"`);
    process.env.DATABASE_URL = withDatabase(serverUrl, created);
  }
  process.env.AUDIT_SEAL_INTERVAL_SECONDS = '0';
  try {
    await run();
  } finally {
    const { closeDb } = await import('@/db');
    await closeDb();
    if (created) await admin.unsafe(`drop database if exists "${created}" with (force)`);
    await admin.end();
  }
}

async function run() {
  // Imported only now: db/config reads DATABASE_URL once, at import.
  const { getDb } = await import('@/db');
  const { migrateDatabase } = await import('@/db/migrate');
  const { seedDemoData } = await import('@/lib/demo/seed');
  const { sql } = await import('drizzle-orm');
  const { loadActor } = await import('@/lib/auth/actor');
  const { hashAuditEvent } = await import('@/lib/audit/event-hash');
  const { listAuditEvents } = await import('@/lib/audit/queries');
  const { exportAuditEvents } = await import('@/lib/audit/export-audit-events');
  const { sealAuditEvents } = await import('@/lib/audit/seal-audit-events');
  const { verifyAuditTrail } = await import('@/lib/audit/verify-audit-trail');
  const { recordAudit, systemActor } = await import('@/lib/audit/record');
  const { executeRows } = await import('@/db/execute-rows');

  const db = getDb();
  await migrateDatabase();
  await seedDemoData(db);
  const environments = await executeRows<{ id: string; key: string }>(
    db,
    sql`select id::text, key from environments`,
  );
  const people = await executeRows<{ id: string; name: string; email: string }>(
    db,
    sql`select id::text, name, email from users`,
  );
  const envId = (key: string) => environments.find((environment) => environment.key === key)!.id;
  const [dev, qa, demo, prod] = ['dev', 'qa', 'demo', 'prod'].map(envId) as [string, string, string, string];
  const apiIds = Array.from(
    { length: 200 },
    (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
  );

  // A year of activity, oldest first, in the proportions a busy organization would see.
  const actions: [string, number][] = [
    ['auth.signed_in', 30],
    ['auth.sign_in_failed', 4],
    ['auth.signed_out', 10],
    ['api.updated', 25],
    ['api.created', 3],
    ['api.archived', 1],
    ['promotion.requested', 10],
    ['promotion.accepted', 7],
    ['promotion.rejected', 2],
    ['promotion.cancelled', 1],
    ['promotion.failed', 1],
    ['role.granted', 2],
    ['role.revoked', 1],
    ['token.created', 1],
    ['token.revoked', 1],
    ['environment.updated', 1],
  ];
  const weights = actions.flatMap(([action, weight]) => Array<string>(weight).fill(action));
  const pairs = [
    [dev, qa],
    [qa, demo],
    [demo, prod],
  ] as const;
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const start = Date.now() - 365 * 24 * 3600 * 1000;
  const step = (365 * 24 * 3600 * 1000) / total;

  console.log(`Stageway audit benchmark: ${fmt(total, 0)} events on PostgreSQL`);
  let loadStart = performance.now();
  for (let offset = 0; offset < total; offset += batch) {
    const rows = [];
    for (let index = offset; index < Math.min(total, offset + batch); index++) {
      const action = pick(weights);
      const person = pick(people);
      const isSystem = action === 'promotion.failed' || random() < 0.02;
      const pair = pick(pairs);
      const apiId = pick(apiIds);
      const environmentIds = action.startsWith('promotion.')
        ? [...pair]
        : action.startsWith('auth.') || action.startsWith('token.')
          ? []
          : [pick([dev, dev, qa, qa, demo, prod])];
      const outcome =
        action === 'auth.sign_in_failed'
          ? 'denied'
          : random() < 0.03
            ? 'denied'
            : random() < 0.005
              ? 'error'
              : 'success';
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
        targetType: action.startsWith('api.') ? 'api' : action.split('.')[0]!,
        targetId: action.startsWith('api.') ? apiId : `${index}`,
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
    await db.execute(sql`insert into audit_events (occurred_at, actor_type, actor_id, actor_name, auth_method,
        source_ip, user_agent, request_id, action, environment_ids, target_type, target_id, outcome, reason, changes, hash)
      select occurred_at, actor_type, actor_id, actor_name, auth_method, source_ip, user_agent, request_id, action,
        environment_ids, target_type, target_id, outcome, reason, changes, hash
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(occurred_at timestamptz, actor_type actor_type,
        actor_id text, actor_name text, auth_method text, source_ip text, user_agent text, request_id text, action text,
        environment_ids uuid[], target_type text, target_id text, outcome audit_outcome, reason text, changes jsonb, hash text)`);
    if ((offset / batch) % 20 === 19) process.stdout.write(`  loaded ${fmt(offset + batch, 0)}\n`);
  }
  await db.execute(sql`analyze`);
  console.log(
    `Loaded ${fmt(total, 0)} events with hashes in ${fmt(ms(loadStart) / 1000)} s (bulk insert, not the app's write path)`,
  );
  loadStart = performance.now();

  let started = performance.now();
  const sealed = await sealAuditEvents();
  const sealSeconds = ms(started) / 1000;
  console.log(
    `Sealing: ${fmt(sealed.events, 0)} events in ${sealed.seals} seals, ${fmt(sealSeconds)} s = ${fmt(sealed.events / sealSeconds, 0)} events/s`,
  );

  const adminUser = people.find((person) => person.email === 'admin@example.com')!;
  const bobUser = people.find((person) => person.email === 'bob@example.com')!;
  const adminActor = (await loadActor(db, adminUser.id, 'password'))!;
  const bobActor = (await loadActor(db, bobUser.id, 'password'))!;
  const [cursorRow] = await executeRows<{ t: string; s: number }>(
    db,
    sql`select to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as t, seq::int as s
      from audit_events order by occurred_at desc, seq desc offset ${deep - 1} limit 1`,
  );
  const deepCursor = Buffer.from(JSON.stringify({ t: cursorRow!.t, s: cursorRow!.s })).toString('base64url');
  const month = {
    from: new Date(start + 20 * 24 * 3600 * 1000),
    to: new Date(start + 50 * 24 * 3600 * 1000),
  };

  console.log(`\nAudit page (listAuditEvents, 25 rows; median of 7 runs after one cold run), ms:`);
  console.log(
    `  ${'view and filter'.padEnd(62)} ${'first page'.padStart(10)} ${`${fmt(deep, 0)} deep`.padStart(14)}`,
  );
  const views: [string, typeof adminActor, Parameters<typeof listAuditEvents>[1]][] = [
    ['admin, action = api.updated', adminActor, { action: 'api.updated' }],
    [
      'admin, action = promotion.accepted and environment = QA',
      adminActor,
      { action: 'promotion.accepted', environment: 'qa' },
    ],
    ['admin, environment = QA', adminActor, { environment: 'qa' }],
    ['admin, actor = bob@example.com', adminActor, { actor: 'bob@example.com' }],
    ['admin, outcome = denied', adminActor, { outcome: 'denied' }],
    [
      'admin, one month (time range) and action = auth.signed_in',
      adminActor,
      { ...month, action: 'auth.signed_in' },
    ],
    ['bob (AUDIT:READ in QA only), no filter', bobActor, {}],
    ['bob (AUDIT:READ in QA only), action = api.updated', bobActor, { action: 'api.updated' }],
  ];
  for (const [name, actor, filters] of views) {
    const timing = async (cursor: string | null) => {
      await listAuditEvents(actor, filters, { cursor });
      const runs: number[] = [];
      let rows = 0;
      for (let run = 0; run < 7; run++) {
        const t = performance.now();
        rows = (await listAuditEvents(actor, filters, { cursor })).items.length;
        runs.push(ms(t));
      }
      runs.sort((a, b) => a - b);
      return `${fmt(runs[3]!, 2)}${rows < 25 ? ` (${rows} rows)` : ''}`;
    };
    console.log(
      `  ${name.padEnd(62)} ${(await timing(null)).padStart(10)} ${(await timing(deepCursor)).padStart(14)}`,
    );
  }

  for (const [label, actor, filters, format] of [
    ['all events as CSV (admin)', adminActor, {}, 'csv'],
    ['QA events as NDJSON (bob)', bobActor, {}, 'ndjson'],
  ] as const) {
    let peak = process.memoryUsage().rss;
    const baseline = peak;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    started = performance.now();
    const reader = (await exportAuditEvents(actor, filters, format)).getReader();
    let bytes = 0;
    let lines = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      for (const byte of value) if (byte === 10) lines++;
    }
    clearInterval(sampler);
    const seconds = ms(started) / 1000;
    const events = format === 'csv' ? lines - 1 : lines;
    console.log(
      `\nExport ${label}: ${fmt(events, 0)} events, ${fmt(bytes / 1e6)} MB in ${fmt(seconds)} s = ${fmt(events / seconds, 0)} events/s; ` +
        `peak RSS ${fmt(peak / 1e6, 0)} MB (${fmt(baseline / 1e6, 0)} MB before)`,
    );
  }

  started = performance.now();
  const verification = await verifyAuditTrail('operator');
  const verifySeconds = ms(started) / 1000;
  console.log(
    `\nVerification: ${verification.message} ${fmt(verifySeconds)} s = ${fmt(verification.sealedEvents / verifySeconds, 0)} events/s`,
  );

  // Cost of recording: hashing alone, then whole one-event transactions, alone and eight at a time.
  started = performance.now();
  const sample = {
    occurredAt: new Date(),
    actorType: 'user',
    actorId: adminUser.id,
    actorName: 'Ada Admin',
    authMethod: 'password',
    sourceIp: '10.0.0.1',
    userAgent: 'bench',
    requestId: 'r',
    action: 'api.updated',
    environmentIds: [qa],
    targetType: 'api',
    targetId: apiIds[0]!,
    outcome: 'success',
    reason: null,
    changes: { before: { version: '1' }, after: { version: '2' } },
  };
  for (let index = 0; index < 100_000; index++) hashAuditEvent(sample);
  console.log(
    `\nRecording: canonical JSON + SHA-256 of an event: ${fmt((ms(started) * 1000) / 100_000, 2)} µs`,
  );
  const writeOne = () =>
    db.transaction((tx) =>
      recordAudit(tx, adminActor, { action: 'api.updated', environmentIds: [qa], changes: sample.changes }),
    );
  for (const writers of [1, 8]) {
    const each = 400;
    started = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async () => {
        for (let index = 0; index < each; index++) await writeOne();
      }),
    );
    const seconds = ms(started) / 1000;
    console.log(
      `  ${writers} writer${writers > 1 ? 's' : ''}, one event per transaction: ${fmt((writers * each) / seconds, 0)} transactions/s`,
    );
  }
  const afterWrites = await verifyAuditTrail('operator');
  console.log(`  then: ${afterWrites.message}`);
  void systemActor;
}

main().catch((error) => {
  // Failed queries carry their (huge) parameters: the cause is what tells.
  console.error(error?.cause ?? error?.message ?? error);
  process.exitCode = 1;
});
