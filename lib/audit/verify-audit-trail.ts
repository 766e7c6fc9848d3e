import 'server-only';

import { and, asc, count, gt, lt, max, min, sql, sum } from 'drizzle-orm';

import { getDb } from '@/db';
import { auditEvents, auditSeals } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { AppError, notFound } from '@/lib/errors';

import { hashAuditEvent } from './event-hash';
import { auditReach } from './queries';
import { sealAuditEvents } from './seal-audit-events';
import { eventsDigest, genesisHash, hashSeal } from './seal-hash';

export type AuditBreakReason =
  'content_changed' | 'event_missing' | 'order_changed' | 'seal_broken' | 'event_not_sealed';

export type AuditBreak = { seq: number; sealId: number | null; reason: AuditBreakReason; detail: string };

export type AuditVerification = {
  isIntact: boolean;
  /** Every event up to this seq is sealed and unchanged; null when none is. */
  intactUpTo: number | null;
  firstBreak: AuditBreak | null;
  sealedEvents: number;
  seals: number;
  /** Events too recent to be sealed yet (their transactions, or older ones, were still running). */
  unsealedEvents: number;
  /** The last seal's hash: keep it elsewhere, and a trail rewritten from scratch no longer matches it. */
  headHash: string | null;
  message: string;
};

// Seals read per query: bounds memory (a seal lists at most a few thousand hashes).
const sealsPerBatch = 10;

/**
 * Seals what can be sealed, then checks the whole trail: every seal's hash and its link to the previous
 * one, and every sealed event's content against the hash its seal recorded for it (so a changed event,
 * a missing one, two swapped ones, or one slipped in afterwards show at their seq). Reads seal by seal:
 * memory stays flat however long the trail.
 *
 * In the app only organization admins verify: the answer covers the whole organization (its event
 * count and head hash), more than an environment's reader may learn. Others who read some of the
 * trail are refused (403); anyone else is told it does not exist. `operator` is
 * `npm run audit:verify`, run by someone who already holds the database.
 */
export async function verifyAuditTrail(actor: Actor | 'operator'): Promise<AuditVerification> {
  if (actor !== 'operator' && !actor.isOrgAdmin) {
    if (!(await auditReach(actor))) throw notFound('Audit trail');
    throw new AppError(
      'forbidden',
      'Verifying the audit trail is for organization admins: it covers every environment.',
    );
  }
  await sealAuditEvents({ wait: true });
  const db = getDb();

  let firstBreak = null as AuditBreak | null;
  const report = (found: AuditBreak) => {
    if (!firstBreak || found.seq < firstBreak.seq) firstBreak = found;
  };

  let previousHash = genesisHash;
  let expectedId = 1;
  let sealedEvents = 0;
  let headHash: string | null = null;
  let last: { txid: number; seq: number } | null = null;
  let missingEvents = 0;
  // Each seal's events are read as one index range, the next seal's while this one's are hashed.
  let previousLast: { txid: number; seq: number } | null = null;
  let nextEvents: Promise<EventRow[]> | null = null;
  for (let afterId = 0; ;) {
    const seals = await db
      .select()
      .from(auditSeals)
      .where(gt(auditSeals.id, afterId))
      .orderBy(asc(auditSeals.id))
      .limit(sealsPerBatch);
    if (seals.length === 0) break;
    for (const [index, seal] of seals.entries()) {
      afterId = seal.id;
      const firstSeq = Math.min(...seal.eventSeqs);
      const recomputed = hashSeal({
        id: seal.id,
        sealedAt: seal.sealedAt,
        eventCount: seal.eventCount,
        eventsDigest: eventsDigest(seal.eventSeqs, seal.eventHashes),
        lastTxid: seal.lastTxid,
        lastSeq: seal.lastSeq,
        prevHash: seal.prevHash,
      });
      if (seal.id !== expectedId) {
        report({
          seq: firstSeq,
          sealId: seal.id,
          reason: 'seal_broken',
          detail: `seal ${expectedId} is missing`,
        });
      } else if (seal.prevHash !== previousHash) {
        report({
          seq: firstSeq,
          sealId: seal.id,
          reason: 'seal_broken',
          detail: `seal ${seal.id} does not follow seal ${seal.id - 1}`,
        });
      } else if (recomputed !== seal.hash) {
        report({
          seq: firstSeq,
          sealId: seal.id,
          reason: 'seal_broken',
          detail: `seal ${seal.id} was altered`,
        });
      }
      expectedId = seal.id + 1;
      previousHash = seal.hash;
      headHash = seal.hash;
      sealedEvents += seal.eventCount;
      last = { txid: seal.lastTxid, seq: seal.lastSeq };
      const events = await (nextEvents ?? eventsOfSeal(seal, previousLast));
      const following = seals[index + 1];
      nextEvents = following ? eventsOfSeal(following, last) : null;
      previousLast = last;
      missingEvents += checkSealedEvents(seal, events, report);
    }
  }

  // Events in the sealed part of the trail that no seal lists were slipped in afterwards.
  const sealedPart = last
    ? sql`(${auditEvents.txid}, ${auditEvents.seq}) <= (${last.txid}, ${last.seq})`
    : sql`false`;
  const [inSealedPart] = await db.select({ count: count() }).from(auditEvents).where(sealedPart);
  const [listed] = await db.select({ count: sum(auditSeals.eventCount).mapWith(Number) }).from(auditSeals);
  if ((inSealedPart?.count ?? 0) > (listed?.count ?? 0) - missingEvents) {
    const [extra] = await db
      .select({ seq: min(auditEvents.seq) })
      .from(auditEvents)
      .where(
        and(
          sealedPart,
          sql`not exists (select 1 from ${auditSeals} where ${auditEvents.seq} = any(${auditSeals.eventSeqs}))`,
        ),
      );
    if (extra?.seq != null) {
      report({
        seq: extra.seq,
        sealId: null,
        reason: 'event_not_sealed',
        detail: `event ${extra.seq} is in no seal: it was added after sealing`,
      });
    }
  }

  const [unsealed] = await db
    .select({ count: count(), firstSeq: min(auditEvents.seq) })
    .from(auditEvents)
    .where(last ? sql`not (${sealedPart})` : undefined);
  const unsealedEvents = unsealed?.count ?? 0;
  const cutoff = Math.min(firstBreak?.seq ?? Infinity, unsealed?.firstSeq ?? Infinity);
  const [intact] = await db
    .select({ seq: max(auditEvents.seq) })
    .from(auditEvents)
    .where(Number.isFinite(cutoff) ? lt(auditEvents.seq, cutoff) : undefined);
  const intactUpTo = intact?.seq ?? null;

  const result = {
    isIntact: !firstBreak,
    intactUpTo,
    firstBreak,
    sealedEvents,
    seals: expectedId - 1,
    unsealedEvents,
    headHash,
  };
  return { ...result, message: describe(result) };
}

type Seal = typeof auditSeals.$inferSelect;

type EventRow = typeof auditEvents.$inferSelect;

/**
 * The events in a seal's stretch of the (txid, seq) order, after the previous seal's last: one range
 * of the sealer's own index. It holds every event the seal lists that still exists, and any slipped in
 * later (which the seal does not list: the count after the walk catches those).
 */
function eventsOfSeal(seal: Seal, after: { txid: number; seq: number } | null): Promise<EventRow[]> {
  return Promise.resolve(
    getDb()
      .select()
      .from(auditEvents)
      .where(
        and(
          after ? sql`(${auditEvents.txid}, ${auditEvents.seq}) > (${after.txid}, ${after.seq})` : undefined,
          sql`(${auditEvents.txid}, ${auditEvents.seq}) <= (${seal.lastTxid}, ${seal.lastSeq})`,
        ),
      ),
  );
}

/** Compares each event a seal lists with the hash it recorded; the number of events that are gone. */
function checkSealedEvents(seal: Seal, rows: EventRow[], report: (found: AuditBreak) => void): number {
  const bySeq = new Map(rows.map((row) => [row.seq, row]));
  const positionOf = new Map(seal.eventHashes.map((hash, index) => [hash, index]));
  let missing = 0;
  seal.eventSeqs.forEach((seq, index) => {
    const event = bySeq.get(seq);
    const at = { seq, sealId: seal.id };
    if (!event) {
      missing++;
      report({ ...at, reason: 'event_missing', detail: `event ${seq} was deleted` });
      return;
    }
    const hash = hashAuditEvent(event);
    if (hash !== seal.eventHashes[index]) {
      const sealedAt = positionOf.get(hash);
      if (sealedAt !== undefined && sealedAt !== index) {
        const other = seal.eventSeqs[sealedAt];
        report({
          ...at,
          reason: 'order_changed',
          detail: `event ${seq} holds what was sealed as event ${other}`,
        });
      } else {
        report({ ...at, reason: 'content_changed', detail: `event ${seq} differs from what was sealed` });
      }
    } else if (event.hash !== null && event.hash !== hash) {
      report({ ...at, reason: 'content_changed', detail: `the stored hash of event ${seq} was altered` });
    }
  });
  return missing;
}

const reasons: Record<AuditBreakReason, string> = {
  content_changed: 'its content changed',
  event_missing: 'it is missing',
  order_changed: 'the order changed',
  seal_broken: 'a seal is broken',
  event_not_sealed: 'it was added after sealing',
};

function describe(result: Omit<AuditVerification, 'message'>): string {
  const upTo =
    result.intactUpTo === null ? 'No event is verified yet' : `Intact up to event ${result.intactUpTo}`;
  const pending = result.unsealedEvents
    ? ` ${result.unsealedEvents} newer event${result.unsealedEvents === 1 ? ' is' : 's are'} not sealed yet.`
    : '';
  if (!result.firstBreak)
    return `${upTo} (${result.sealedEvents} events in ${result.seals} seals).${pending}`;
  const { seq, reason, detail } = result.firstBreak;
  return `Broken at event ${seq}: ${reasons[reason]} (${detail}). ${upTo}.${pending}`;
}
