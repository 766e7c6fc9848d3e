import 'server-only';

import { and, eq, sql } from 'drizzle-orm';

import { apiDefinitionSchema } from '@/db/definition';
import { recordAudit, systemActor } from '@/lib/audit/record';
import { hashPassword } from '@/lib/auth/password';

import type { Database, Tx } from '@/db';
import {
  apiGroups,
  approvalPolicies,
  apiRevisions,
  apis,
  environments,
  groupMembers,
  groups,
  installations,
  roleBindings,
  users,
} from '@/db/schema';
import { seedApis, seedExtraUsers, seedGroups } from './seed-data';

export const demoPassword = 'stageway-demo';

export const demoInstallations = [
  {
    key: 'development',
    name: 'Development',
    position: 10,
    environments: [
      { key: 'dev', name: 'DEV', position: 10, directPromotionAllowed: true },
      { key: 'qa', name: 'QA', position: 20, directPromotionAllowed: true },
    ],
  },
  {
    key: 'production',
    name: 'Production',
    position: 20,
    environments: [
      { key: 'demo', name: 'DEMO', position: 30, directPromotionAllowed: false },
      { key: 'prod', name: 'PROD', position: 40, directPromotionAllowed: false },
    ],
  },
] as const;

type DemoUser = {
  email: string;
  name: string;
  organization?: 'ADMIN';
  environments?: Partial<Record<'dev' | 'qa' | 'demo' | 'prod', 'ADMIN' | 'APPROVER' | 'PUBLISHER' | 'USER'>>;
};

export const demoUsers: DemoUser[] = [
  { email: 'admin@example.com', name: 'Ada Admin', organization: 'ADMIN' },
  { email: 'alice@example.com', name: 'Alice Publisher', environments: { dev: 'PUBLISHER' } },
  { email: 'bob@example.com', name: 'Bob Approver', environments: { qa: 'APPROVER' } },
  {
    email: 'carol@example.com',
    name: 'Carol Approver',
    environments: { demo: 'APPROVER', prod: 'APPROVER' },
  },
  { email: 'dave@example.com', name: 'Dave Publisher', environments: { qa: 'PUBLISHER' } },
  ...seedExtraUsers.map((user) =>
    user.email === 'grace@example.com' ? { ...user, environments: { demo: 'PUBLISHER' as const } } : user,
  ),
];

/** PROD's change control: two approvers, one of them a release manager, and never an author. */
export const releaseManagers = {
  environment: 'prod',
  name: 'Release managers',
  members: ['carol@example.com', 'admin@example.com'],
} as const;

async function insertApi(
  tx: Tx,
  input: {
    environmentId: string;
    crossId: string;
    lifecycleState: (typeof seedApis)[number]['lifecycleState'];
    revisions: { definition: unknown; message: string }[];
    ownerId: string;
  },
): Promise<string> {
  const definitions = input.revisions.map((revision) => apiDefinitionSchema.parse(revision.definition));
  const current = definitions.at(-1)!;
  const [api] = await tx
    .insert(apis)
    .values({
      environmentId: input.environmentId,
      crossId: input.crossId,
      definition: current,
      lifecycleState: input.lifecycleState,
      currentRevision: definitions.length,
      updatedBy: input.ownerId,
    })
    .returning({ id: apis.id });
  const apiId = api!.id;
  await tx.insert(apiRevisions).values(
    definitions.map((definition, index) => ({
      apiId,
      revision: index + 1,
      definition,
      message: input.revisions[index]!.message,
      createdBy: input.ownerId,
    })),
  );
  await tx.insert(roleBindings).values({
    userId: input.ownerId,
    scope: 'api',
    environmentId: input.environmentId,
    apiId,
    role: 'PRIMARY_OWNER',
  });
  await recordAudit(tx, systemActor, {
    action: 'api.created',
    environmentIds: [input.environmentId],
    target: { type: 'api', id: apiId },
    reason: 'demo data',
    changes: { after: current },
  });
  return apiId;
}

/**
 * Creates the demo organization. Idempotent: everything is keyed (installation and environment keys,
 * user emails, API cross ids), and what exists already is left as it is.
 */
export async function seedDemoData(db: Database): Promise<{ createdApis: number }> {
  const passwordHash = await hashPassword(demoPassword);
  return db.transaction(async (tx) => {
    // Two seeds racing on one PostgreSQL wait for each other instead of colliding.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('stageway.seed'))`);

    const environmentIds: Record<string, string> = {};
    for (const installation of demoInstallations) {
      await tx.insert(installations).values(installation).onConflictDoNothing();
      const [row] = await tx.select().from(installations).where(eq(installations.key, installation.key));
      for (const environment of installation.environments) {
        await tx
          .insert(environments)
          .values({ ...environment, installationId: row!.id })
          .onConflictDoNothing();
      }
    }
    for (const environment of await tx.select().from(environments))
      environmentIds[environment.key] = environment.id;

    const userIds: Record<string, string> = {};
    for (const user of demoUsers) {
      await tx
        .insert(users)
        .values({ email: user.email, name: user.name, passwordHash })
        .onConflictDoNothing();
      const [row] = await tx.select({ id: users.id }).from(users).where(eq(users.email, user.email));
      userIds[user.email] = row!.id;
      if (user.organization) {
        await tx
          .insert(roleBindings)
          .values({ userId: row!.id, scope: 'organization', role: user.organization })
          .onConflictDoNothing();
      }
      for (const [key, role] of Object.entries(user.environments ?? {})) {
        await tx
          .insert(roleBindings)
          .values({ userId: row!.id, scope: 'environment', environmentId: environmentIds[key], role })
          .onConflictDoNothing();
      }
    }

    const dev = environmentIds.dev!;
    const qa = environmentIds.qa!;
    const groupIds: Record<string, string> = {};
    for (const group of seedGroups) {
      await tx.insert(groups).values({ environmentId: dev, name: group.name }).onConflictDoNothing();
      const [row] = await tx
        .select({ id: groups.id })
        .from(groups)
        .where(and(eq(groups.environmentId, dev), eq(groups.name, group.name)));
      groupIds[group.name] = row!.id;
      for (const member of group.members) {
        await tx
          .insert(groupMembers)
          .values({ groupId: row!.id, userId: userIds[member.email]!, apiRole: member.apiRole })
          .onConflictDoNothing();
      }
    }

    // Every environment starts with version 1 of its approval policy; PROD's is strict.
    await tx
      .insert(groups)
      .values({ environmentId: environmentIds[releaseManagers.environment]!, name: releaseManagers.name })
      .onConflictDoNothing();
    const [releaseGroup] = await tx
      .select({ id: groups.id })
      .from(groups)
      .where(
        and(
          eq(groups.environmentId, environmentIds[releaseManagers.environment]!),
          eq(groups.name, releaseManagers.name),
        ),
      );
    for (const email of releaseManagers.members) {
      await tx
        .insert(groupMembers)
        .values({ groupId: releaseGroup!.id, userId: userIds[email]!, apiRole: 'USER' })
        .onConflictDoNothing();
    }
    for (const [key, environmentId] of Object.entries(environmentIds)) {
      const strict =
        key === releaseManagers.environment
          ? {
              approvalsRequired: 2,
              rules: [{ kind: 'group' as const, groupId: releaseGroup!.id, count: 1 }],
              authorsMayNotApprove: true,
              entryGate: [{ rule: 'https-only' as const, mode: 'fail' as const }],
            }
          : key === 'qa'
            ? { entryGate: [{ rule: 'version-increases' as const, mode: 'warn' as const }] }
            : key === 'demo'
              ? { entryGate: [{ rule: 'https-only' as const, mode: 'fail' as const }] }
              : {};
      await tx
        .insert(approvalPolicies)
        .values({ environmentId, version: 1, ...strict })
        .onConflictDoNothing();
    }

    let createdApis = 0;
    const alice = userIds['alice@example.com']!;
    const bob = userIds['bob@example.com']!;
    for (const seed of seedApis) {
      const [existing] = await tx
        .select({ id: apis.id })
        .from(apis)
        .where(and(eq(apis.environmentId, dev), eq(apis.crossId, seed.crossId)));
      if (existing) continue;
      const apiId = await insertApi(tx, {
        environmentId: dev,
        crossId: seed.crossId,
        lifecycleState: seed.lifecycleState,
        revisions: seed.revisions,
        ownerId: alice,
      });
      createdApis++;
      for (const group of seed.groups)
        await tx.insert(apiGroups).values({ apiId, groupId: groupIds[group]! });
      for (const member of seed.members) {
        await tx.insert(roleBindings).values({
          userId: userIds[member.email]!,
          scope: 'api',
          environmentId: dev,
          apiId,
          role: member.role,
        });
      }
      if (seed.inQaAtRevision) {
        // QA holds an older definition: promoting the current one will be an update.
        await insertApi(tx, {
          environmentId: qa,
          crossId: seed.crossId,
          lifecycleState: 'published',
          revisions: [seed.revisions[seed.inQaAtRevision - 1]!],
          ownerId: bob,
        });
        createdApis++;
      }
      if (seed.inDemoAtRevision) {
        await insertApi(tx, {
          environmentId: environmentIds.demo!,
          crossId: seed.crossId,
          lifecycleState: 'published',
          revisions: [seed.revisions[seed.inDemoAtRevision - 1]!],
          ownerId: userIds['grace@example.com']!,
        });
        createdApis++;
      }
    }
    return { createdApis };
  });
}

/** True when the database holds no users yet: the first start of an empty embedded database. */
export async function isEmpty(db: Database): Promise<boolean> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(users);
  return (row?.count ?? 0) === 0;
}
