import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';

import { getDb } from '@/db';
import { apiRevisions, apis, auditEvents, environments, installations, users } from '@/db/schema';

import { seedDemoData } from './seed';

async function counts() {
  const db = getDb();
  const count = async (
    table: typeof users | typeof apis | typeof apiRevisions | typeof environments | typeof installations,
  ) => {
    const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(table);
    return row!.count;
  };
  return {
    installations: await count(installations),
    environments: await count(environments),
    users: await count(users),
    apis: await count(apis),
    revisions: await count(apiRevisions),
  };
}

describe('demo data', () => {
  it('has the installations, environments, users and APIs the README promises', async () => {
    const rows = await getDb()
      .select({ installation: installations.name, key: environments.key, name: environments.name })
      .from(environments)
      .innerJoin(installations, sql`${installations.id} = ${environments.installationId}`)
      .orderBy(environments.position);
    expect(rows).toEqual([
      { installation: 'Development', key: 'dev', name: 'DEV' },
      { installation: 'Development', key: 'qa', name: 'QA' },
      { installation: 'Production', key: 'demo', name: 'DEMO' },
      { installation: 'Production', key: 'prod', name: 'PROD' },
    ]);
    expect(await counts()).toMatchObject({ installations: 2, environments: 4, users: 8, apis: 9 });
  });

  it('is idempotent', async () => {
    const before = await counts();
    const [{ events: eventsBefore }] = (await getDb()
      .select({ events: sql<number>`count(*)::int` })
      .from(auditEvents)) as [{ events: number }];
    expect(await seedDemoData(getDb())).toEqual({ createdApis: 0 });
    expect(await counts()).toEqual(before);
    const [{ events: eventsAfter }] = (await getDb()
      .select({ events: sql<number>`count(*)::int` })
      .from(auditEvents)) as [{ events: number }];
    expect(eventsAfter).toBe(eventsBefore);
  });

  it('the audit trail and revisions refuse UPDATE, DELETE and TRUNCATE', async () => {
    const db = getDb();
    await expect(db.execute(sql`update audit_events set reason = 'x'`)).rejects.toThrow();
    await expect(db.execute(sql`delete from audit_events`)).rejects.toThrow();
    await expect(db.execute(sql`truncate audit_events`)).rejects.toThrow();
    await expect(db.execute(sql`update api_revisions set message = 'x'`)).rejects.toThrow();
    await expect(db.execute(sql`delete from api_revisions`)).rejects.toThrow();
  });
});
