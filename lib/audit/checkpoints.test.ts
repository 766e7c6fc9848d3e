import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { desc, eq, gt, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';

import { getDb } from '@/db';
import { auditSeals } from '@/db/schema';

import { publishCheckpoint, verifyCheckpoints } from './checkpoints';
import { recordAudit, systemActor } from './record';
import { sealAuditEvents } from './seal-audit-events';
import { verifyAuditTrail } from './verify-audit-trail';

const db = () => getDb();

async function someEvents(count: number) {
  for (let index = 0; index < count; index++) {
    await db().transaction((tx) =>
      recordAudit(tx, systemActor, { action: 'environment.updated', reason: `checkpoint test ${index}` }),
    );
  }
  await sealAuditEvents({ wait: true });
}

describe('signed checkpoints of the audit head', () => {
  it('detect a trail cut back after them, which the chain alone cannot', async () => {
    const file = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'stageway-checkpoints-')),
      'checkpoints.jsonl',
    );
    await someEvents(3);
    const first = await publishCheckpoint({ file });
    await someEvents(3);
    const second = await publishCheckpoint({ file });
    expect(second!.sealId).toBeGreaterThan(first!.sealId);
    const lines = fs.readFileSync(file, 'utf8');
    expect(lines.trim().split('\n')).toHaveLength(2);
    expect(await verifyCheckpoints(lines, second!.publicKey)).toEqual({
      checked: 2,
      newest: { sealId: second!.sealId, sealedAt: second!.sealedAt },
      problems: [],
    });

    // Someone with the database's rights deletes the newest seal and its events.
    const [newest] = await db().select().from(auditSeals).orderBy(desc(auditSeals.id)).limit(1);
    await db().transaction(async (tx) => {
      await tx.execute(sql`alter table audit_events disable trigger user`);
      await tx.execute(sql`alter table audit_event_environments disable trigger user`);
      await tx.execute(sql`alter table audit_seals disable trigger user`);
      await tx.execute(
        sql`delete from audit_event_environments where seq in (${sql.raw(newest!.eventSeqs.join(','))})`,
      );
      await tx.execute(sql`delete from audit_events where seq in (${sql.raw(newest!.eventSeqs.join(','))})`);
      await tx.delete(auditSeals).where(eq(auditSeals.id, newest!.id));
      await tx.execute(sql`alter table audit_events enable trigger user`);
      await tx.execute(sql`alter table audit_event_environments enable trigger user`);
      await tx.execute(sql`alter table audit_seals enable trigger user`);
    });
    expect(
      await db()
        .select()
        .from(auditSeals)
        .where(gt(auditSeals.id, newest!.id - 1)),
    ).toEqual([]);

    // The chain that is left is intact; the checkpoint says it once reached further.
    expect((await verifyAuditTrail('operator')).isIntact).toBe(true);
    const report = await verifyCheckpoints(lines, second!.publicKey);
    expect(report.problems).toEqual([expect.stringContaining(`Seal ${second!.sealId} `)]);
    expect(report.problems[0]).toContain('the trail was cut back');
  });

  it('refuse forged, foreign and garbled lines', async () => {
    await someEvents(1);
    const checkpoint = (await publishCheckpoint({}))!;
    const forged = { ...checkpoint, sealHash: 'f'.repeat(64) };
    const report = await verifyCheckpoints(
      [JSON.stringify(checkpoint), JSON.stringify(forged), 'not json', '{"type":"other"}'].join('\n'),
      checkpoint.publicKey,
    );
    expect(report.checked).toBe(1);
    expect(report.problems).toEqual([
      `Line 2 (seal ${checkpoint.sealId}): the signature does not match.`,
      'Line 3 is not a checkpoint.',
      'Line 4 is not a checkpoint.',
    ]);
    const foreign = await verifyCheckpoints(
      JSON.stringify(checkpoint),
      'MCowBQYDK2VwAyEA' + 'A'.repeat(43) + '=',
    );
    expect(foreign.problems).toEqual([expect.stringContaining('signed by another key')]);
  });
});
