import 'server-only';

import { and, asc, desc, inArray, isNull, sql } from 'drizzle-orm';

import { getDb, type Tx } from '@/db';
import { executeRows } from '@/db/execute-rows';
import { auditEvents, auditSeals } from '@/db/schema';

import { hashAuditEvent } from './event-hash';
import { eventsDigest, genesisHash, hashSeal } from './seal-hash';

/** Events per seal: big enough that seals stay few, small enough that one seal is one quick transaction. */
export const maxEventsPerSeal = 5000;

const sealLock = sql`hashtext('stageway.audit.seal')`;

/**
 * Seals every event that can no longer be preceded by another, into seals chained by hash.
 *
 * Writers never wait for this: an event is sealable once its transaction id is below the oldest
 * transaction still running (`pg_snapshot_xmin`), because every transaction below that has finished,
 * so no event can appear any more before it in (txid, seq) order — the order seals follow. Events of
 * transactions still running, or newer, wait for a later run. One sealer at a time, across every app
 * instance, holds an advisory lock; `wait: false` skips the run when another sealer has it.
 */
export async function sealAuditEvents(
  options: { wait?: boolean; maxEventsPerSeal?: number } = {},
): Promise<{ seals: number; events: number }> {
  const limit = options.maxEventsPerSeal ?? maxEventsPerSeal;
  let seals = 0;
  let events = 0;
  for (;;) {
    const sealed = await getDb().transaction((tx) => sealOnce(tx, options.wait ?? true, limit));
    if (sealed === null) break;
    seals++;
    events += sealed;
    if (sealed < limit) break;
  }
  return { seals, events };
}

/** Writes the next seal; the number of events it covers, or null when there was nothing to seal. */
async function sealOnce(tx: Tx, wait: boolean, limit: number): Promise<number | null> {
  if (wait) {
    // Another instance's seal may take longer than requests may wait for a lock (db/config.ts).
    await tx.execute(sql`set local lock_timeout = '60s'`);
    await tx.execute(sql`select pg_advisory_xact_lock(${sealLock})`);
  } else {
    const [row] = await executeRows<{ locked: boolean }>(
      tx,
      sql`select pg_try_advisory_xact_lock(${sealLock}) as locked`,
    );
    if (!row?.locked) return null;
  }

  const [previous] = await tx.select().from(auditSeals).orderBy(desc(auditSeals.id)).limit(1);
  const after = previous
    ? sql`(${auditEvents.txid}, ${auditEvents.seq}) > (${previous.lastTxid}, ${previous.lastSeq})`
    : undefined;
  const rows = await tx
    .select({ seq: auditEvents.seq, txid: auditEvents.txid, hash: auditEvents.hash })
    .from(auditEvents)
    .where(and(sql`${auditEvents.txid} < (pg_snapshot_xmin(pg_current_snapshot())::text)::bigint`, after))
    .orderBy(asc(auditEvents.txid), asc(auditEvents.seq))
    .limit(limit);
  if (rows.length === 0) return null;

  const hashes = await withLegacyHashes(tx, rows);
  const seqs = rows.map((row) => row.seq);
  const last = rows.at(-1)!;
  const content = {
    id: (previous?.id ?? 0) + 1,
    sealedAt: new Date(),
    eventCount: rows.length,
    eventsDigest: eventsDigest(seqs, hashes),
    lastTxid: last.txid,
    lastSeq: last.seq,
    prevHash: previous?.hash ?? genesisHash,
  };
  await tx
    .insert(auditSeals)
    .values({ ...content, eventSeqs: seqs, eventHashes: hashes, hash: hashSeal(content) });
  return rows.length;
}

/**
 * Events recorded before tamper evidence existed have no stored hash: the seal takes the hash of their
 * content as it is now, which protects them from here on.
 */
async function withLegacyHashes(tx: Tx, rows: { seq: number; hash: string | null }[]): Promise<string[]> {
  const missing = rows.filter((row) => row.hash === null).map((row) => row.seq);
  if (missing.length === 0) return rows.map((row) => row.hash!);
  const legacy = await tx
    .select()
    .from(auditEvents)
    .where(and(isNull(auditEvents.hash), inArray(auditEvents.seq, missing)));
  const bySeq = new Map(legacy.map((event) => [event.seq, hashAuditEvent(event)]));
  return rows.map((row) => row.hash ?? bySeq.get(row.seq)!);
}
