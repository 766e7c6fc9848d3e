import { desc, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';

import { getDb } from '@/db';
import { auditEvents } from '@/db/schema';
import { actorFor, apiNamed, environmentId } from '@/test/fixtures';

import { exportAuditEvents } from './export-audit-events';
import { getAuditEvent, listAuditEvents, parseAuditFilters, type AuditFilters } from './queries';
import { recordAudit, systemActor } from './record';

async function allSeqs(where?: ReturnType<typeof sql>) {
  const rows = await getDb()
    .select({ seq: auditEvents.seq })
    .from(auditEvents)
    .where(where)
    .orderBy(desc(auditEvents.occurredAt), desc(auditEvents.seq));
  return rows.map((row) => row.seq);
}

/**
 * Every page of a listing, following the cursors: what a user clicking "Older" would see. Then back
 * from the last page with "Newer", which must show the same events in the same order.
 */
async function pageThrough(email: string, filters: AuditFilters, limit = 3) {
  const actor = await actorFor(email);
  const seen: number[] = [];
  let cursor: string | null = null;
  let page: Awaited<ReturnType<typeof listAuditEvents>>;
  let first = true;
  do {
    page = await listAuditEvents(actor, filters, { cursor, limit });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    expect(page.previousCursor === null).toBe(first);
    seen.push(...page.items.map((item) => item.seq));
    cursor = page.nextCursor;
    first = false;
  } while (cursor);

  const back: number[][] = [page.items.map((item) => item.seq)];
  let before = page.previousCursor;
  while (before) {
    const newer = await listAuditEvents(actor, filters, { before, limit });
    expect(newer.items.length).toBeLessThanOrEqual(limit);
    expect(newer.nextCursor).not.toBeNull();
    back.unshift(newer.items.map((item) => item.seq));
    before = newer.previousCursor;
  }
  expect(back.flat()).toEqual(seen);
  return seen;
}

async function text(stream: ReadableStream<Uint8Array>) {
  return new Response(stream).text();
}

let qa: string;
let dev: string;

beforeAll(async () => {
  qa = await environmentId('qa');
  dev = await environmentId('dev');
  const bob = await actorFor('bob@example.com');
  const admin = await actorFor('admin@example.com');
  const payments = await apiNamed('qa', 'Payments');
  // Events in QA, in DEV, in both, and in none, by several actors and outcomes.
  const events: [Parameters<typeof recordAudit>[1], Parameters<typeof recordAudit>[2]][] = [
    [
      bob,
      {
        action: 'api.updated',
        environmentIds: [qa],
        target: { type: 'api', id: payments.id },
        changes: { before: { a: 1 }, after: { a: 2 } },
      },
    ],
    [
      bob,
      {
        action: 'api.updated',
        environmentIds: [qa],
        outcome: 'denied',
        target: { type: 'api', id: payments.id },
      },
    ],
    [
      admin,
      { action: 'promotion.accepted', environmentIds: [dev, qa], target: { type: 'promotion', id: 'p1' } },
    ],
    [
      admin,
      { action: 'environment.updated', environmentIds: [dev], target: { type: 'environment', id: dev } },
    ],
    [systemActor, { action: 'role.granted', reason: '=HYPERLINK("http://evil.example","click")' }],
    [admin, { action: 'api.updated', environmentIds: [qa], reason: 'say "hi", then\nleave' }],
  ];
  for (const [actor, event] of events) await getDb().transaction((tx) => recordAudit(tx, actor, event));
});

describe('listAuditEvents', () => {
  it('pages an admin through every event, newest first, without gaps or repeats', async () => {
    expect(await pageThrough('admin@example.com', {})).toEqual(await allSeqs());
  });

  it('shows an environment auditor only the events of their environments', async () => {
    const inQa = await allSeqs(sql`${qa} = any(${auditEvents.environmentIds})`);
    expect(inQa.length).toBeGreaterThanOrEqual(5);
    expect(await pageThrough('bob@example.com', {}, 2)).toEqual(inQa);
    expect(await pageThrough('bob@example.com', { environment: 'qa' })).toEqual(inQa);
  });

  it('filters by action, outcome, actor, API, environment and time, alone and together', async () => {
    const bob = await actorFor('bob@example.com');
    const payments = await apiNamed('qa', 'Payments');
    const check = async (email: string, filters: AuditFilters, where: ReturnType<typeof sql>) =>
      expect(await pageThrough(email, filters)).toEqual(await allSeqs(where));

    await check(
      'admin@example.com',
      { action: 'promotion.accepted', environment: 'qa' },
      sql`action = 'promotion.accepted' and ${qa} = any(environment_ids)`,
    );
    await check(
      'admin@example.com',
      { outcome: 'denied', action: 'api.updated' },
      sql`outcome = 'denied' and action = 'api.updated'`,
    );
    await check('admin@example.com', { actor: 'bob@example.com' }, sql`actor_id = ${bob.userId}`);
    await check('admin@example.com', { actor: 'system' }, sql`actor_type = 'system'`);
    await check('admin@example.com', { actor: 'nobody@example.com' }, sql`false`);
    await check(
      'bob@example.com',
      { api: payments.id },
      sql`target_type = 'api' and target_id = ${payments.id}`,
    );
    await check(
      'admin@example.com',
      { environment: 'dev', action: 'environment.updated' },
      sql`action = 'environment.updated' and ${dev} = any(environment_ids)`,
    );

    const [middle] = await getDb()
      .select({ at: auditEvents.occurredAt })
      .from(auditEvents)
      .orderBy(desc(auditEvents.seq))
      .offset(3)
      .limit(1);
    const from = middle!.at;
    await check('admin@example.com', { from }, sql`occurred_at >= ${from.toISOString()}::timestamptz`);
    await check(
      'admin@example.com',
      { to: from, actor: 'system' },
      sql`occurred_at < ${from.toISOString()}::timestamptz and actor_type = 'system'`,
    );
  });

  it('answers not_found for a trail or a filter out of the actor’s reach', async () => {
    const bob = await actorFor('bob@example.com');
    await expect(listAuditEvents(bob, { environment: 'dev' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(listAuditEvents(bob, { api: (await apiNamed('dev', 'Payments')).id })).rejects.toMatchObject(
      { code: 'not_found' },
    );
    await expect(listAuditEvents(bob, { api: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
    // Publishers and users hold no AUDIT:READ: there is no trail for them.
    await expect(listAuditEvents(await actorFor('alice@example.com'), {})).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(listAuditEvents(await actorFor('dave@example.com'), {})).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('names what events are about, and shows old mapped addresses plainly', async () => {
    const admin = await actorFor('admin@example.com');
    const payments = await apiNamed('qa', 'Payments');
    await getDb().transaction((tx) =>
      recordAudit(
        tx,
        { ...admin, context: { ...admin.context, ip: '::ffff:10.1.2.3' } },
        { action: 'user.created', target: { type: 'user', id: admin.userId } },
      ),
    );
    const { items } = await listAuditEvents(admin, {}, { limit: 100 });
    const nameOf = (type: string, id: string) =>
      items.find((item) => item.targetType === type && item.targetId === id)?.targetName;
    expect(nameOf('api', payments.id)).toBe('Payments');
    expect(nameOf('environment', dev)).toBe('DEV');
    expect(nameOf('user', admin.userId)).toBe('Ada Admin');
    // Not a known id: no name, the page shows the id.
    expect(nameOf('promotion', 'p1')).toBeNull();
    expect(items[0]!.sourceIp).toBe('10.1.2.3');
  });

  it('treats a cursor that does not decode as the first page', async () => {
    const admin = await actorFor('admin@example.com');
    const first = await listAuditEvents(admin, {}, { limit: 2 });
    expect((await listAuditEvents(admin, {}, { limit: 2, cursor: 'garbage' })).items).toEqual(first.items);
  });
});

describe('getAuditEvent', () => {
  it('shows an event to whoever may read one of its environments, and is not_found otherwise', async () => {
    const [devOnly] = await allSeqs(sql`environment_ids = array[${dev}]::uuid[]`);
    const [qaEvent] = await allSeqs(sql`${qa} = any(environment_ids)`);
    const bob = await actorFor('bob@example.com');
    const admin = await actorFor('admin@example.com');
    await expect(getAuditEvent(bob, String(devOnly))).rejects.toMatchObject({ code: 'not_found' });
    await expect(getAuditEvent(bob, String(qaEvent))).resolves.toMatchObject({ seq: qaEvent });
    await expect(getAuditEvent(admin, String(devOnly))).resolves.toMatchObject({
      seq: devOnly,
      environments: [{ key: 'dev' }],
    });
    await expect(getAuditEvent(admin, 'abc')).rejects.toMatchObject({ code: 'not_found' });
    await expect(getAuditEvent(admin, '99999999')).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('parseAuditFilters', () => {
  it('reads what parses and names what does not', () => {
    const { filters, errors } = parseAuditFilters(
      new URLSearchParams(
        'from=2026-01-02&to=2026-01-01T10:00&action=promotion.accepted&environment=QA&outcome=maybe&actor=Bob@Example.com',
      ),
    );
    expect(filters).toEqual({
      from: new Date('2026-01-02T00:00:00Z'),
      to: new Date('2026-01-01T10:00:00Z'),
      action: 'promotion.accepted',
      environment: 'qa',
      actor: 'bob@example.com',
    });
    expect(Object.keys(errors).sort()).toEqual(['outcome', 'to']);
    expect(parseAuditFilters({ from: 'yesterday', action: 'api.nuked' }).errors).toEqual({
      from: [expect.stringContaining('Not a date')],
      action: ['Unknown action "api.nuked"'],
    });
  });
});

describe('exportAuditEvents', () => {
  it('streams CSV safe for spreadsheets, one line per event of the filter', async () => {
    const admin = await actorFor('admin@example.com');
    const csv = await text(await exportAuditEvents(admin, {}, 'csv'));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'seq,occurred_at,actor_type,actor_id,actor_name,auth_method,source_ip,user_agent,request_id,action,environments,target_type,target_id,outcome,reason,changes,hash',
    );
    // A formula is defused into text; quotes are doubled; a newline stays inside its quoted cell.
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(csv).toContain('"say ""hi"", then\nleave"');
    expect(csv).not.toMatch(/(^|,)"[=+\-@]/m);
    expect(csv.split('\r\n').length - 2).toBe((await allSeqs()).length);
  });

  it('streams NDJSON of an auditor’s view with the filter applied', async () => {
    const bob = await actorFor('bob@example.com');
    const ndjson = await text(await exportAuditEvents(bob, { action: 'api.updated' }, 'ndjson'));
    const events = ndjson
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.map((event) => event.seq)).toEqual(
      await allSeqs(sql`action = 'api.updated' and ${qa} = any(environment_ids)`),
    );
    expect(events[0]).toMatchObject({
      action: 'api.updated',
      environments: ['qa'],
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    await expect(exportAuditEvents(bob, { environment: 'dev' }, 'ndjson')).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
