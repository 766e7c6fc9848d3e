import { and, eq, sql } from 'drizzle-orm';

import { getDb } from '@/db';
import { apis, auditEvents, environments, users } from '@/db/schema';
import { loadActor, type Actor } from '@/lib/auth/actor';

export const isPostgres = () => Boolean(process.env.DATABASE_URL);

/** The demo user with this email, with their current roles, as the domain sees them. */
export async function actorFor(email: string): Promise<Actor> {
  const [user] = await getDb().select({ id: users.id }).from(users).where(eq(users.email, email));
  if (!user) throw new Error(`no user ${email}`);
  const actor = await loadActor(getDb(), user.id, 'password', {
    ip: '203.0.113.7',
    userAgent: 'vitest',
    requestId: 'test',
  });
  if (!actor) throw new Error(`user ${email} is disabled`);
  return actor;
}

export async function environmentId(key: string): Promise<string> {
  const [row] = await getDb()
    .select({ id: environments.id })
    .from(environments)
    .where(eq(environments.key, key));
  return row!.id;
}

/** A demo API by its name in an environment. */
export async function apiNamed(environmentKey: string, name: string) {
  const [row] = await getDb()
    .select()
    .from(apis)
    .where(and(eq(apis.environmentId, await environmentId(environmentKey)), eq(apis.name, name)));
  if (!row) throw new Error(`no API ${name} in ${environmentKey}`);
  return row;
}

/** Audit events written after `afterSeq`, oldest first. */
export async function auditEventsSince(afterSeq: number) {
  return getDb()
    .select()
    .from(auditEvents)
    .where(sql`${auditEvents.seq} > ${afterSeq}`)
    .orderBy(auditEvents.seq);
}

export async function lastAuditSeq(): Promise<number> {
  const [row] = await getDb()
    .select({ seq: sql<number>`coalesce(max(${auditEvents.seq}), 0)::int` })
    .from(auditEvents);
  return row!.seq;
}
