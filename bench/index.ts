/**
 * `npm run bench`: Stageway at a real organization's size on PostgreSQL, measured over HTTP against the
 * production server. Seeds (bench/seed-at-scale.ts), starts `node server.mjs` on the bench database,
 * loads each endpoint with autocannon (16 connections; throughput at saturation, latency at a fixed
 * offered rate), streams the audit export while sampling the server's memory, runs
 * `npm run audit:verify`, weighs each console route's first-load JavaScript, prints one table and
 * writes bench/results.json. BENCH_SERVER_URL names the PostgreSQL server (a database is created and
 * dropped); BENCH_SECONDS the length of each run (default 6); BENCH_EVENTS the audit trail's size.
 */
import { execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import autocannon from 'autocannon';
import postgres from 'postgres';

import { scale, seedAtScale } from './seed-at-scale';

const serverUrl = process.env.BENCH_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const seconds = Number(process.env.BENCH_SECONDS ?? 6);
const port = Number(process.env.BENCH_PORT ?? 3390);
const origin = `http://127.0.0.1:${port}`;
const root = path.resolve(import.meta.dirname, '..');
const fmt = (value: number, digits = 1) => value.toLocaleString('en-US', { maximumFractionDigits: digits });
const log = (line: string) => console.log(line);

type Row = { figure: string; value: string; target: string; met: boolean | null; data?: unknown };
const rows: Row[] = [];
const results: Record<string, unknown> = {};

function withDatabase(url: string, name: string) {
  const next = new URL(url);
  next.pathname = `/${name}`;
  return next.toString();
}

async function main() {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const name = `stageway_bench_${Date.now().toString(36)}`;
  await admin.unsafe(`create database "${name}"`);
  const databaseUrl = withDatabase(serverUrl, name);
  process.env.DATABASE_URL = databaseUrl;
  process.env.AUTH_SECRET ??= randomBytes(32).toString('base64url');
  process.env.AUDIT_SEAL_INTERVAL_SECONDS = '0';
  // Seeding runs statements far longer than a request may (the server it starts keeps the defaults).
  process.env.DATABASE_STATEMENT_TIMEOUT_MS = '0';
  let stopServer = async () => {};
  try {
    stopServer = await run(databaseUrl);
  } finally {
    await stopServer();
    const { closeDb } = await import('@/db');
    await closeDb();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

async function run(databaseUrl: string): Promise<() => Promise<void>> {
  const { getDb } = await import('@/db');
  const { migrateDatabase } = await import('@/db/migrate');
  const { seedDemoData } = await import('@/lib/demo/seed');
  const { sealAuditEvents } = await import('@/lib/audit/seal-audit-events');
  const { issueApiToken } = await import('@/lib/tokens/issue-api-token');
  const { systemActor } = await import('@/lib/audit/record');
  const db = getDb();
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });

  log(
    `Stageway benchmark — ${os.cpus().length} cores, ${os.cpus()[0]?.model.trim()}, Node ${process.version}`,
  );
  log(
    `Seeding at scale (${fmt(scale.environments)} environments, ${fmt(scale.users)} users, ${fmt(scale.apis)} APIs × ${scale.revisionsPerApi} revisions, ${fmt(scale.promotions)} promotions, ${fmt(scale.auditEvents)} audit events):`,
  );
  const seedStarted = performance.now();
  await migrateDatabase();
  await seedDemoData(db);
  const seedTimings = await seedAtScale(db, log);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  rows.push({
    figure: 'seed at scale',
    value: `${fmt(seedSeconds)} s`,
    target: '< 120 s',
    met: seedSeconds < 120,
    data: seedTimings,
  });
  let started = performance.now();
  const sealed = await sealAuditEvents();
  const sealSeconds = (performance.now() - started) / 1000;
  rows.push({
    figure: 'audit sealing (in process)',
    value: `${fmt(sealed.events / sealSeconds, 0)} events/s`,
    target: '',
    met: null,
  });

  const tokens: Record<string, string> = {};
  for (const email of ['admin@example.com', 'alice@example.com', 'bob@example.com']) {
    tokens[email] = (
      await issueApiToken({ ...systemActor, name: 'bench' }, { email }, { name: 'bench' })
    ).token;
  }

  // The production server on the bench database.
  execFileSync(process.execPath, ['scripts/build-if-stale.mjs'], { cwd: root, stdio: 'inherit' });
  const { privateKey } = generateKeyPairSync('ed25519');
  const server = spawn(process.execPath, ['server.mjs', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      DATABASE_STATEMENT_TIMEOUT_MS: '15000',
      API_RATE_LIMIT_PER_MINUTE: '100000000',
      AUDIT_SEAL_INTERVAL_SECONDS: '10',
      AUDIT_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      STAGEWAY_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'stageway-bench-')),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    if (server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
  };
  for (let waited = 0; ; waited += 250) {
    if ((await fetch(`${origin}/api/health?ready=1`).catch(() => null))?.status === 200) break;
    if (waited > 90_000 || server.exitCode !== null) throw new Error('The server did not start');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  const bearer = (email: string) => ({ authorization: `Bearer ${tokens[email]}` });
  const cookie = await signIn('admin@example.com');

  // What the scenarios walk through: bench APIs to promote (each to an environment with nothing open
  // for it), pending promotions the admin may approve, deep cursors.
  const promotable = await sql<{ id: string; target: string }[]>`
    with envs as (select id, key, row_number() over (order by position, key) - 1 as n, count(*) over () as total from environments)
    select a.id::text, t.key as target from apis a
    join envs s on s.id = a.environment_id
    join envs t on t.n = (s.n + 2) % s.total
    where a.definition ->> 'name' like 'Bench API %'
      and not exists (select 1 from promotions p where p.cross_id = a.cross_id and p.target_environment_id = t.id and p.status in ('pending', 'applying'))
    order by a.id limit 8000`;
  const approvable = await sql<{ id: string }[]>`
    select p.id::text from promotions p join users u on u.id = p.requested_by
    where p.status = 'pending' and u.email <> 'admin@example.com' order by p.created_at limit 8000`;
  const [auditDeep] = await sql<{ t: string; s: number }[]>`
    select to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as t, seq::int as s
    from audit_events order by occurred_at desc, seq desc offset ${Math.min(900_000, Math.floor(scale.auditEvents * 0.9)) - 1} limit 1`;
  const [taskDeep] = await sql<{ createdAt: string; id: string }[]>`
    select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "createdAt", id::text from promotions
    where status = 'pending' order by created_at desc, id desc offset 8000 limit 1`;
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const deepAudit = encode(auditDeep!);
  const deepTasks = encode(taskDeep!);

  log(`\nLoad: autocannon, 16 connections over loopback, ${seconds} s per run`);
  // Warm the server (JIT, route modules, connections) so the floor is not measured cold.
  await load('warm-up: GET /api/health?ready=1', { path: '/api/health?ready=1', record: false });
  await load('warm-up: GET /api/v1/environments', {
    path: '/api/v1/environments',
    headers: bearer('alice@example.com'),
    record: false,
  });
  const floor = await load('GET /api/health (floor)', { path: '/api/health' });
  const ready = await load('GET /api/health?ready=1', { path: '/api/health?ready=1' });
  const cheap = await load('GET /api/v1/environments (token)', {
    path: '/api/v1/environments',
    headers: bearer('alice@example.com'),
  });
  target(
    'authenticated cheap read ≥ 0.8 × floor',
    cheap.rps / floor.rps,
    0.8,
    `${fmt(cheap.rps / floor.rps, 2)} ×`,
  );
  void ready;

  let next = 0;
  const createRequest = () => {
    const api = promotable[next++ % promotable.length]!;
    return {
      method: 'POST',
      path: `/api/v1/apis/${api.id}/promotions`,
      body: JSON.stringify({ target: api.target }),
    };
  };
  const create = await load('POST create promotion (saturation)', {
    headers: { ...bearer('admin@example.com'), 'content-type': 'application/json' },
    next: createRequest,
  });
  target(
    'create promotion ≥ 0.5 × floor',
    create.rps / floor.rps,
    0.5,
    `${fmt(create.rps / floor.rps, 2)} ×`,
  );
  const createAtRate = await load('POST create promotion at 50/s', {
    headers: { ...bearer('admin@example.com'), 'content-type': 'application/json' },
    next: createRequest,
    rate: 50,
  });
  target('create promotion p95 at 50/s ≤ 50 ms', createAtRate.p95, 50, `${fmt(createAtRate.p95)} ms`, 'max');

  let nextApproval = 0;
  await load('POST approve (saturation)', {
    headers: { ...bearer('admin@example.com'), 'content-type': 'application/json' },
    next: () => ({
      method: 'POST',
      path: `/api/v1/promotions/${approvable[nextApproval++ % approvable.length]!.id}/approve`,
      body: '{}',
    }),
  });

  const tasks = await load('GET Tasks first page at 100/s', {
    path: '/api/v1/promotions?status=pending',
    headers: bearer('admin@example.com'),
    rate: 100,
  });
  target('Tasks first page p95 at 100/s ≤ 30 ms', tasks.p95, 30, `${fmt(tasks.p95)} ms`, 'max');
  const tasksDeep = await load('GET Tasks 8,000 deep at 100/s', {
    path: `/api/v1/promotions?status=pending&cursor=${deepTasks}`,
    headers: bearer('admin@example.com'),
    rate: 100,
  });
  target(
    'Tasks deep page ≤ 1.2 × first (p50)',
    tasksDeep.p50 / tasks.p50,
    1.2,
    `${fmt(tasksDeep.p50 / tasks.p50, 2)} ×`,
    'max',
  );
  await load('GET promotion list (saturation)', {
    path: '/api/v1/promotions',
    headers: bearer('admin@example.com'),
  });
  const consoleTasks = await load('GET console Tasks page HTML (saturation)', {
    path: '/tasks',
    headers: { cookie },
  });
  void consoleTasks;

  const filters: [string, string][] = [
    ['no filter', ''],
    ['action=api.updated', 'action=api.updated'],
    ['action=promotion.accepted, environment=qa', 'action=promotion.accepted&environment=qa'],
    ['environment=qa', 'environment=qa'],
    ['outcome=denied', 'outcome=denied'],
    ['actor=bob', 'actor=bob'],
  ];
  const auditFigures: Record<string, unknown> = {};
  for (const [label, query] of filters) {
    const first = await load(`GET audit first page, ${label}, at 100/s`, {
      path: `/api/v1/audit?${query}`,
      headers: bearer('admin@example.com'),
      rate: 100,
    });
    const deep = await load(`GET audit 900,000 deep, ${label}, at 100/s`, {
      path: `/api/v1/audit?${query}${query ? '&' : ''}cursor=${deepAudit}`,
      headers: bearer('admin@example.com'),
      rate: 100,
    });
    target(`audit first page p95 at 100/s ≤ 30 ms (${label})`, first.p95, 30, `${fmt(first.p95)} ms`, 'max');
    target(
      `audit deep ≤ 1.2 × first, p50 (${label})`,
      deep.p50 / first.p50,
      1.2,
      `${fmt(deep.p50 / first.p50, 2)} × (${fmt(deep.p50)} vs ${fmt(first.p50)} ms)`,
      'max',
    );
    auditFigures[label] = { first, deep };
  }
  results.audit = auditFigures;

  log('\nStreams:');
  for (const format of ['csv', 'ndjson'] as const) {
    const figure = await exportStream(server.pid!, format, bearer('admin@example.com'));
    target(
      `audit export ${format} ≥ 150,000 events/s`,
      figure.eventsPerSecond,
      150_000,
      `${fmt(figure.eventsPerSecond, 0)} events/s`,
    );
    target(
      `audit export ${format} peak RSS ≤ 300 MB`,
      figure.peakRssMb,
      300,
      `${fmt(figure.peakRssMb, 0)} MB`,
      'max',
    );
  }
  started = performance.now();
  const verifyOutput = execFileSync('npx', ['tsx', '--conditions=react-server', 'scripts/audit-verify.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl },
  }).toString();
  const verifySeconds = (performance.now() - started) / 1000;
  const [counted] = await sql<{ events: number }[]>`select count(*)::int as events from audit_events`;
  const events = counted!.events;
  log(`  npm run audit:verify: ${verifyOutput.trim().split('\n').at(-1)} (${fmt(verifySeconds)} s)`);
  target(
    'audit:verify ≥ 150,000 events/s',
    events / verifySeconds,
    150_000,
    `${fmt(events / verifySeconds, 0)} events/s (whole command, ${fmt(events, 0)} events)`,
  );

  log('\nFirst-load JavaScript (gzip) per console route:');
  const [anyApi] = await sql<
    { id: string; key: string; promotion: string; userId: string; groupId: string }[]
  >`
    select a.id::text, e.key, (select id::text from promotions limit 1) as promotion,
      (select id::text from users where email = 'alice@example.com') as "userId",
      (select id::text from groups limit 1) as "groupId"
    from apis a join environments e on e.id = a.environment_id where e.key = 'dev' limit 1`;
  const routes = [
    '/',
    '/tasks',
    '/audit',
    '/api-docs',
    '/environments/dev/apis',
    `/environments/dev/apis/${anyApi!.id}`,
    `/environments/dev/apis/${anyApi!.id}/edit`,
    `/environments/dev/apis/${anyApi!.id}/revisions/1`,
    '/environments/qa/policy',
    `/promotions/${anyApi!.promotion}`,
    '/admin/users',
    `/admin/users/${anyApi!.userId}`,
    '/admin/groups',
    `/admin/groups/${anyApi!.groupId}`,
    '/admin/environments',
    '/settings/tokens',
  ];
  const weights: Record<string, number> = {};
  for (const route of routes) {
    const kb = await firstLoadKb(route, cookie);
    weights[route] = kb;
    log(`  ${route.padEnd(60)} ${fmt(kb)} kB`);
  }
  const heaviest = Math.max(...Object.values(weights));
  target(
    'first-load JS ≤ 150 kB on every console route (heaviest)',
    heaviest,
    150,
    `${fmt(heaviest)} kB`,
    'max',
  );
  results.firstLoadKb = weights;

  await sql.end();
  printTable();
  fs.writeFileSync(
    path.join(root, 'bench', 'results.json'),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: {
          cores: os.cpus().length,
          cpu: os.cpus()[0]?.model.trim(),
          memoryGb: Math.round(os.totalmem() / 2 ** 30),
          node: process.version,
        },
        scale,
        rows,
        ...results,
      },
      null,
      2,
    ) + '\n',
  );
  log('\nWritten: bench/results.json');
  return stop;
}

type LoadFigure = { rps: number; p50: number; p95: number; p99: number; non2xx: number; errors: number };

/** One autocannon run; latencies from every response (exact percentiles, not the histogram's buckets). */
async function load(
  label: string,
  options: {
    path?: string;
    headers?: Record<string, string>;
    next?: () => { method: string; path: string; body?: string };
    rate?: number;
    record?: boolean;
  },
): Promise<LoadFigure> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${origin}${options.path ?? '/'}`,
        connections: 16,
        duration: seconds,
        headers: options.headers,
        ...(options.rate ? { overallRate: options.rate } : {}),
        ...(options.next
          ? {
              requests: [
                {
                  setupRequest: (request: autocannon.Request) =>
                    ({ ...request, ...options.next!() }) as autocannon.Request,
                },
              ],
            }
          : {}),
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client, _status, _bytes, time) => latencies.push(time));
  });
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const figure: LoadFigure = {
    rps: result.requests.total / seconds,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
  log(
    `  ${label.padEnd(62)} ${fmt(figure.rps, 0).padStart(6)} req/s  p50 ${fmt(figure.p50).padStart(6)}  p95 ${fmt(figure.p95).padStart(6)}  p99 ${fmt(figure.p99).padStart(6)} ms` +
      (figure.non2xx || figure.errors ? `  (${figure.non2xx} non-2xx, ${figure.errors} errors)` : ''),
  );
  if (options.record !== false)
    rows.push({
      figure: label,
      value: `${fmt(figure.rps, 0)} req/s, p50/p95/p99 ${fmt(figure.p50)}/${fmt(figure.p95)}/${fmt(figure.p99)} ms`,
      target: '',
      met: null,
      data: figure,
    });
  return figure;
}

function target(figure: string, value: number, limit: number, shown: string, kind: 'min' | 'max' = 'min') {
  rows.push({
    figure,
    value: shown,
    target: `${kind === 'min' ? '≥' : '≤'} ${fmt(limit)}`,
    met: kind === 'min' ? value >= limit : value <= limit,
  });
}

async function exportStream(pid: number, format: 'csv' | 'ndjson', headers: Record<string, string>) {
  const rss = () =>
    Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  const before = rss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rss())), 25);
  const started = performance.now();
  const response = await fetch(`${origin}/api/v1/audit/export?format=${format}`, { headers });
  let lines = 0;
  let bytes = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    for (const byte of chunk) if (byte === 10) lines++;
  }
  clearInterval(sampler);
  const secondsTaken = (performance.now() - started) / 1000;
  const events = format === 'csv' ? lines - 1 : lines;
  const figure = {
    events,
    megabytes: bytes / 1e6,
    seconds: secondsTaken,
    eventsPerSecond: events / secondsTaken,
    peakRssMb: peak,
    rssBeforeMb: before,
  };
  log(
    `  export ${format}: ${fmt(events, 0)} events, ${fmt(bytes / 1e6)} MB in ${fmt(secondsTaken)} s = ${fmt(figure.eventsPerSecond, 0)} events/s; server RSS peak ${fmt(peak, 0)} MB (${fmt(before, 0)} MB before)`,
  );
  results[`export_${format}`] = figure;
  return figure;
}

/** The route's HTML as the admin gets it; the gzip size of every script it loads (what a first visit downloads). */
async function firstLoadKb(route: string, cookie: string): Promise<number> {
  const html = await (await fetch(`${origin}${route}`, { headers: { cookie } })).text();
  const sources = [
    ...new Set(
      [...html.matchAll(/<script([^>]*)>/g)]
        // What a current browser loads: not the nomodule polyfills only old browsers fetch.
        .filter((match) => !/\bnomodule\b/i.test(match[1]!))
        .map((match) => /\bsrc="([^"]+)"/.exec(match[1]!)?.[1])
        .filter((source): source is string => Boolean(source)),
    ),
  ];
  let total = 0;
  for (const source of sources) {
    const body = Buffer.from(await (await fetch(new URL(source, origin))).arrayBuffer());
    total += gzipSync(body).byteLength;
  }
  return total / 1024;
}

async function signIn(email: string): Promise<string> {
  const csrf = await fetch(`${origin}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${origin}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: csrf.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; '),
      origin,
    },
    body: new URLSearchParams({ csrfToken, email, password: 'stageway-demo' }),
  });
  const session = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.includes('session-token='));
  if (!session) throw new Error(`Sign-in as ${email} failed (${response.status})`);
  return session;
}

function printTable() {
  log('\n' + 'figure'.padEnd(70) + 'value'.padEnd(52) + 'target'.padEnd(12) + 'met');
  for (const row of rows) {
    log(
      row.figure.padEnd(70) +
        row.value.padEnd(52) +
        row.target.padEnd(12) +
        (row.met === null ? '' : row.met ? 'yes' : 'NO'),
    );
  }
}

main().catch((error) => {
  console.error(error?.cause ?? error);
  process.exitCode = 1;
});
