import { count, eq, sql, sum } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';

import { getDb } from '@/db';
import { executeRows } from '@/db/execute-rows';
import { auditEvents, auditSeals } from '@/db/schema';
import { actorFor, environmentId } from '@/test/fixtures';

import { recordAudit, systemActor } from './record';
import { sealAuditEvents } from './seal-audit-events';
import { verifyAuditTrail } from './verify-audit-trail';

const db = () => getDb();

/** As a superuser would: with the append-only triggers off, inside one transaction. */
async function asSuperuser(statements: ReturnType<typeof sql>[]) {
  await db().transaction(async (tx) => {
    await tx.execute(sql`alter table audit_events disable trigger user`);
    await tx.execute(sql`alter table audit_event_environments disable trigger user`);
    await tx.execute(sql`alter table audit_seals disable trigger user`);
    for (const statement of statements) await tx.execute(statement);
    await tx.execute(sql`alter table audit_events enable trigger user`);
    await tx.execute(sql`alter table audit_event_environments enable trigger user`);
    await tx.execute(sql`alter table audit_seals enable trigger user`);
  });
}

/** Keeps a copy of some events (and their environment rows) so a test can put them back afterwards. */
async function backUp(seqs: number[]) {
  const list = sql.raw(seqs.join(','));
  await db().execute(sql`drop table if exists backup_events`);
  await db().execute(sql`drop table if exists backup_environments`);
  await db().execute(sql`create table backup_events as select * from audit_events where seq in (${list})`);
  await db().execute(
    sql`create table backup_environments as select * from audit_event_environments where seq in (${list})`,
  );
  return async () => {
    await asSuperuser([
      sql`delete from audit_event_environments where seq in (${list})`,
      sql`delete from audit_events where seq in (${list})`,
      sql`insert into audit_events overriding system value select * from backup_events`,
      sql`insert into audit_event_environments select * from backup_environments`,
    ]);
    expect((await verifyAuditTrail('operator')).isIntact).toBe(true);
  };
}

async function eventSeqs(): Promise<number[]> {
  const rows = await db().select({ seq: auditEvents.seq }).from(auditEvents).orderBy(auditEvents.seq);
  return rows.map((row) => row.seq);
}

beforeAll(async () => {
  // A few events of different kinds after the seed's, so there is something between the ends to break.
  const admin = await actorFor('admin@example.com');
  const qa = await environmentId('qa');
  for (let index = 0; index < 6; index++) {
    await db().transaction((tx) =>
      recordAudit(tx, index % 2 ? admin : systemActor, {
        action: 'environment.updated',
        environmentIds: [qa],
        target: { type: 'environment', id: qa },
        changes: { before: { approvalsRequired: index }, after: { approvalsRequired: index + 1 } },
      }),
    );
  }
});

describe('the audit table', () => {
  it('refuses UPDATE, DELETE and TRUNCATE on events, seals and the environment index', async () => {
    await sealAuditEvents();
    for (const table of ['audit_events', 'audit_seals', 'audit_event_environments']) {
      const name = sql.identifier(table);
      const column = sql.identifier(table === 'audit_seals' ? 'id' : 'seq');
      await expect(db().execute(sql`update ${name} set ${column} = ${column}`)).rejects.toThrow();
      await expect(db().execute(sql`delete from ${name}`)).rejects.toThrow();
      await expect(db().execute(sql`truncate ${name} cascade`)).rejects.toThrow();
    }
    const [events] = await db().select({ count: count() }).from(auditEvents);
    expect(events!.count).toBeGreaterThan(6);
  });

  it('refuses an event without a hash', async () => {
    await expect(
      db().execute(sql`insert into audit_events (actor_type, actor_name, action, outcome)
        values ('system', 'x', 'api.updated', 'success')`),
    ).rejects.toThrow();
  });
});

describe('verifyAuditTrail', () => {
  it('is for organization admins: readers of an environment’s trail are refused, others get not_found', async () => {
    await expect(verifyAuditTrail(await actorFor('alice@example.com'))).rejects.toMatchObject({
      code: 'not_found',
    });
    // Bob reads QA's trail; the verdict would tell him the whole organization's count and head.
    await expect(verifyAuditTrail(await actorFor('bob@example.com'))).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(verifyAuditTrail(await actorFor('admin@example.com'))).resolves.toMatchObject({
      isIntact: true,
    });
  });

  it('reports an untouched trail intact up to its last event, every event sealed once', async () => {
    const result = await verifyAuditTrail('operator');
    const seqs = await eventSeqs();
    expect(result).toMatchObject({
      isIntact: true,
      firstBreak: null,
      intactUpTo: seqs.at(-1),
      sealedEvents: seqs.length,
      unsealedEvents: 0,
    });
    expect(result.message).toBe(
      `Intact up to event ${seqs.at(-1)} (${seqs.length} events in ${result.seals} seals).`,
    );
    expect(result.headHash).toMatch(/^[0-9a-f]{64}$/);
    const [sealed] = await db()
      .select({ total: sum(auditSeals.eventCount).mapWith(Number) })
      .from(auditSeals);
    expect(sealed!.total).toBe(seqs.length);
  });

  it('seals new events in a later seal chained to the previous one', async () => {
    const before = await verifyAuditTrail('operator');
    await db().transaction((tx) => recordAudit(tx, systemActor, { action: 'auth.signed_out' }));
    const after = await verifyAuditTrail('operator');
    expect(after.isIntact).toBe(true);
    expect(after.seals).toBe(before.seals + 1);
    expect(after.sealedEvents).toBe(before.sealedEvents + 1);
    const [seal] = await db().select().from(auditSeals).where(eq(auditSeals.id, after.seals));
    expect(seal!.prevHash).toBe(before.headHash);
  });

  it('finds a changed event at its seq, even when the attacker recomputed its stored hash', async () => {
    const seqs = await eventSeqs();
    const target = seqs[seqs.length - 4]!;
    const restore = await backUp([target]);
    await asSuperuser([sql`update audit_events set reason = 'nothing to see' where seq = ${target}`]);
    let result = await verifyAuditTrail('operator');
    expect(result.firstBreak).toMatchObject({ seq: target, reason: 'content_changed' });
    expect(result.intactUpTo).toBe(seqs[seqs.length - 5]);
    expect(result.message).toContain(`Broken at event ${target}: its content changed`);

    const { hashAuditEvent } = await import('./event-hash');
    const [event] = await db().select().from(auditEvents).where(eq(auditEvents.seq, target));
    await asSuperuser([sql`update audit_events set hash = ${hashAuditEvent(event!)} where seq = ${target}`]);
    result = await verifyAuditTrail('operator');
    expect(result.firstBreak).toMatchObject({ seq: target, reason: 'content_changed' });
    await restore();
  });

  it('finds a deleted event at its seq', async () => {
    const seqs = await eventSeqs();
    const target = seqs[seqs.length - 3]!;
    const restore = await backUp([target]);
    await asSuperuser([
      sql`delete from audit_event_environments where seq = ${target}`,
      sql`delete from audit_events where seq = ${target}`,
    ]);
    const result = await verifyAuditTrail('operator');
    expect(result.firstBreak).toMatchObject({ seq: target, reason: 'event_missing' });
    expect(result.intactUpTo).toBe(seqs[seqs.length - 4]);
    await restore();
  });

  it('finds two swapped events at the first of them', async () => {
    const seqs = await eventSeqs();
    const [first, second] = [seqs[seqs.length - 5]!, seqs[seqs.length - 4]!];
    const restore = await backUp([first, second]);
    const columns = [
      'occurred_at',
      'actor_type',
      'actor_id',
      'actor_name',
      'auth_method',
      'source_ip',
      'user_agent',
      'request_id',
      'action',
      'environment_ids',
      'target_type',
      'target_id',
      'outcome',
      'reason',
      'changes',
      'hash',
    ];
    const set = sql.raw(columns.map((column) => `${column} = other.${column}`).join(', '));
    await asSuperuser([
      sql`update audit_events set ${set} from backup_events other
        where (audit_events.seq, other.seq) in ((${first}, ${second}), (${second}, ${first}))`,
    ]);
    const result = await verifyAuditTrail('operator');
    expect(result.firstBreak).toMatchObject({ seq: first, reason: 'order_changed' });
    expect(result.firstBreak!.detail).toContain(`sealed as event ${second}`);
    await restore();
  });

  it('finds an altered seal, and an event slipped into the sealed past', async () => {
    const seqs = await eventSeqs();
    await asSuperuser([sql`update audit_seals set sealed_at = sealed_at - interval '1 day' where id = 1`]);
    let result = await verifyAuditTrail('operator');
    expect(result.firstBreak).toMatchObject({ sealId: 1, reason: 'seal_broken' });
    expect(result.firstBreak!.seq).toBe(seqs[0]);
    await asSuperuser([sql`update audit_seals set sealed_at = sealed_at + interval '1 day' where id = 1`]);
    expect((await verifyAuditTrail('operator')).isIntact).toBe(true);

    const [forged] = await executeRows<{ seq: number }>(
      db(),
      sql`insert into audit_events (actor_type, actor_name, action, outcome, hash, txid)
        select 'system', 'Stageway', 'role.granted', 'success', repeat('a', 64), 1
        returning seq::int`,
    );
    result = await verifyAuditTrail('operator');
    expect(result.firstBreak).toMatchObject({ seq: forged!.seq, reason: 'event_not_sealed' });
  });
});
