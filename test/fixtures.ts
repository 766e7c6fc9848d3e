import { and, eq, sql } from 'drizzle-orm';

import { getDb } from '@/db';
import { apiRevisions, apis, auditEvents, environments, roleBindings, users } from '@/db/schema';
import { apiDefinitionSchema } from '@/db/definition';
import { loadActor, type Actor } from '@/lib/auth/actor';
import { addGroupMember, createGroup } from '@/lib/groups/group-writes';
import { updateApprovalPolicy, type ApprovalPolicyInput } from '@/lib/environments/update-approval-policy';

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

let apiCounter = 0;

/**
 * A fresh API for one test, so tests never depend on each other's changes: revision 1 of a valid
 * definition with a unique name and context path, its owner as primary owner.
 */
export async function createTestApi(
  options: { environment?: string; owner?: string; name?: string; contextPath?: string } = {},
) {
  const suffix = `${process.pid}-${Date.now().toString(36)}-${++apiCounter}`;
  const definition = apiDefinitionSchema.parse({
    name: options.name ?? `Test API ${suffix}`,
    version: '1.0.0',
    description: 'Made by a test.',
    contextPath: options.contextPath ?? `/test-${suffix}`,
    endpoints: [{ name: 'default', target: 'https://backend.example.com/v1' }],
    plans: [{ name: 'Open', security: 'KEYLESS', status: 'PUBLISHED' }],
  });
  const environment = await environmentId(options.environment ?? 'dev');
  const [owner] = await getDb()
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, options.owner ?? 'alice@example.com'));
  const [api] = await getDb()
    .insert(apis)
    .values({
      environmentId: environment,
      definition,
      currentRevision: 1,
      lifecycleState: 'published',
      updatedBy: owner!.id,
    })
    .returning();
  await getDb()
    .insert(apiRevisions)
    .values({ apiId: api!.id, revision: 1, definition, createdBy: owner!.id });
  await getDb().insert(roleBindings).values({
    userId: owner!.id,
    scope: 'api',
    environmentId: environment,
    apiId: api!.id,
    role: 'PRIMARY_OWNER',
  });
  return api!;
}

/** Gives an environment these approval policy terms (a new version unless they are in force), as the admin. */
export async function setApprovalPolicy(environmentKey: string, terms: ApprovalPolicyInput) {
  try {
    await updateApprovalPolicy(await actorFor('admin@example.com'), environmentKey, terms);
  } catch (error) {
    if ((error as { code?: string }).code !== 'no_changes') throw error;
  }
}

export async function userIdOf(email: string): Promise<string> {
  const [row] = await getDb().select({ id: users.id }).from(users).where(eq(users.email, email));
  if (!row) throw new Error(`no user ${email}`);
  return row.id;
}

/** Replaces a user's role in an environment (test setup; the domain's grantRole audits it). */
export async function setEnvironmentRole(email: string, environmentKey: string, role: string | null) {
  const user = await userIdOf(email);
  const environment = await environmentId(environmentKey);
  await getDb()
    .delete(roleBindings)
    .where(
      and(
        eq(roleBindings.userId, user),
        eq(roleBindings.scope, 'environment'),
        eq(roleBindings.environmentId, environment),
      ),
    );
  if (role) {
    await getDb()
      .insert(roleBindings)
      .values({ userId: user, scope: 'environment', environmentId: environment, role });
  }
}

/** A group in an environment with these members, made by the admin. */
export async function createTestGroup(environmentKey: string, name: string, emails: string[]) {
  const admin = await actorFor('admin@example.com');
  const group = (await createGroup(admin, { environment: environmentKey, name }))!;
  for (const email of emails) await addGroupMember(admin, group.id, { userId: await userIdOf(email) });
  return group;
}

/**
 * A fault below the domain: the database refuses to create any API with this cross id (in any
 * environment), so applying a promotion of it fails. Call the returned function to lift it.
 */
export async function refuseApiCreation(crossId: string): Promise<() => Promise<void>> {
  await getDb().execute(
    sql.raw(`create or replace function test_refuse_api() returns trigger language plpgsql as $$
      begin raise exception 'simulated storage fault'; end $$`),
  );
  await getDb().execute(
    sql.raw(`create trigger test_refuse_api before insert on apis for each row
      when (new.cross_id = '${crossId}') execute function test_refuse_api()`),
  );
  return async () => {
    await getDb().execute(sql.raw('drop trigger test_refuse_api on apis'));
  };
}
