import { count, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';

import { getDb } from '@/db';
import { executeRows } from '@/db/execute-rows';
import { auditEvents } from '@/db/schema';
import { isPostgres } from '@/test/fixtures';

import { recordAudit, systemActor } from './record';
import { sealAuditEvents } from './seal-audit-events';
import { verifyAuditTrail } from './verify-audit-trail';

const db = () => getDb();

describe('sealAuditEvents', () => {
  it('seals nothing twice and skips a run while another sealer holds the lock', async () => {
    const first = await sealAuditEvents();
    expect(first.events).toBeGreaterThan(0);
    expect(await sealAuditEvents()).toEqual({ seals: 0, events: 0 });
    await db().transaction((tx) => recordAudit(tx, systemActor, { action: 'auth.signed_out' }));
    await db().transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('stageway.audit.seal'))`);
      if (isPostgres()) expect(await sealAuditEvents({ wait: false })).toEqual({ seals: 0, events: 0 });
    });
    expect(await sealAuditEvents({ wait: false })).toEqual({ seals: 1, events: 1 });
  });

  it('splits a long backlog into seals of at most the given size', async () => {
    for (let index = 0; index < 5; index++)
      await db().transaction((tx) => recordAudit(tx, systemActor, { action: 'auth.signed_out' }));
    expect(await sealAuditEvents({ maxEventsPerSeal: 2 })).toEqual({ seals: 3, events: 5 });
    expect((await verifyAuditTrail('operator')).isIntact).toBe(true);
  });
});

describe.runIf(isPostgres())('concurrent writers on PostgreSQL', () => {
  it('does not seal past a transaction still running, even when it will hold the lower seq', async () => {
    await sealAuditEvents();
    let releaseEarly!: () => void;
    const early = new Promise<void>((resolve) => (releaseEarly = resolve));
    let recordedEarly!: () => void;
    const earlyRecorded = new Promise<void>((resolve) => (recordedEarly = resolve));
    const slow = db().transaction(async (tx) => {
      // Takes its transaction id first, records its event only after the later transaction committed.
      await tx.execute(sql`select pg_current_xact_id()`);
      await early;
      await recordAudit(tx, systemActor, { action: 'api.updated', reason: 'slow' });
      recordedEarly();
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await db().transaction((tx) => recordAudit(tx, systemActor, { action: 'api.updated', reason: 'fast' }));
    // The fast transaction committed, but the slow one (older id) runs: nothing may be sealed yet.
    expect(await sealAuditEvents()).toEqual({ seals: 0, events: 0 });
    releaseEarly();
    await earlyRecorded;
    await slow;
    expect(await sealAuditEvents()).toEqual({ seals: 1, events: 2 });
    const [seal] = await executeRows<{ seqs: string }>(
      db(),
      sql`select array_to_string(event_seqs, ',') as seqs from audit_seals order by id desc limit 1`,
    );
    const [slowSeq, fastSeq] = seal!.seqs.split(',').map(Number);
    // Sealed in transaction order: the slow event first, though its seq is the higher one.
    expect(slowSeq).toBeGreaterThan(fastSeq!);
    expect((await verifyAuditTrail('operator')).isIntact).toBe(true);
  });

  it('lose no event, and seal and verify intact while transactions commit out of order', async () => {
    const before = await verifyAuditTrail('operator');
    const [start] = await db().select({ count: count() }).from(auditEvents);
    const startCount = start!.count;
    const writers = 60;
    const pause = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 25));
    let sealing = true;
    const sealer = (async () => {
      while (sealing) {
        await sealAuditEvents({ wait: false, maxEventsPerSeal: 7 });
        await pause();
      }
    })();
    await Promise.all(
      Array.from({ length: writers }, (_, index) =>
        db().transaction(async (tx) => {
          // Takes a transaction id now and the event's seq later: commits and seqs interleave.
          await tx.execute(sql`select pg_current_xact_id()`);
          await pause();
          await recordAudit(tx, systemActor, { action: 'api.updated', reason: `writer ${index}` });
          await pause();
        }),
      ),
    );
    sealing = false;
    await sealer;

    const result = await verifyAuditTrail('operator');
    expect(result).toMatchObject({ isIntact: true, unsealedEvents: 0 });
    expect(result.sealedEvents).toBe(startCount + writers);
    expect(result.seals).toBeGreaterThan(before.seals);
    const seqsInSeals = await executeRows<{ seq: string }>(
      db(),
      sql`select unnest(event_seqs)::text as seq from audit_seals`,
    );
    expect(new Set(seqsInSeals.map((row) => row.seq)).size).toBe(seqsInSeals.length);
    expect(seqsInSeals).toHaveLength(startCount + writers);
  });
});
