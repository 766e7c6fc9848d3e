import 'server-only';

import { asc, eq, sql } from 'drizzle-orm';

import { getDb } from '@/db';
import { apis, environments, groups, installations } from '@/db/schema';
import { can, canSeeEnvironment, type Actor } from '@/lib/auth/actor';
import { refuseUnlessOrgAdmin } from '@/lib/auth/org-admin';
import { notFound } from '@/lib/errors';
import { loadPolicy } from '@/lib/promotions/approval-policy';

export type EnvironmentSummary = {
  id: string;
  key: string;
  name: string;
  position: number;
  installation: { id: string; key: string; name: string };
};

/** Every environment in lifecycle order (installations by position, then environments). */
export async function allEnvironments(): Promise<EnvironmentSummary[]> {
  const rows = await getDb()
    .select({
      id: environments.id,
      key: environments.key,
      name: environments.name,
      position: environments.position,
      installationId: installations.id,
      installationKey: installations.key,
      installationName: installations.name,
    })
    .from(environments)
    .innerJoin(installations, eq(installations.id, environments.installationId))
    .orderBy(asc(installations.position), asc(environments.position));
  return rows.map(({ installationId, installationKey, installationName, ...environment }) => ({
    ...environment,
    installation: { id: installationId, key: installationKey, name: installationName },
  }));
}

/** The environments the actor holds a role in (all of them for organization admins), in lifecycle order. */
export async function listVisibleEnvironments(actor: Actor): Promise<EnvironmentSummary[]> {
  // Environments are few (tens): filtering the whole list in memory is simpler than a join per role kind.
  return (await allEnvironments()).filter((environment) => canSeeEnvironment(actor, environment.id));
}

/** An environment by its key, or not_found when it does not exist or the actor has no role there. */
export async function getVisibleEnvironment(actor: Actor, key: string): Promise<EnvironmentSummary> {
  const environment = (await allEnvironments()).find((candidate) => candidate.key === key);
  if (!environment || !canSeeEnvironment(actor, environment.id)) throw notFound('Environment');
  return environment;
}

/** Groups environments by installation, keeping the lifecycle order of both. */
export function byInstallation(list: EnvironmentSummary[]) {
  const groups = new Map<
    string,
    { installation: EnvironmentSummary['installation']; environments: EnvironmentSummary[] }
  >();
  for (const environment of list) {
    const group = groups.get(environment.installation.id) ?? {
      installation: environment.installation,
      environments: [],
    };
    group.environments.push(environment);
    groups.set(environment.installation.id, group);
  }
  return [...groups.values()];
}

/** The approval policy in force for an environment as a promotion target; not_found as above. */
export async function getApprovalPolicy(actor: Actor, key: string) {
  const environment = await getVisibleEnvironment(actor, key);
  return { environment, policy: await loadPolicy(getDb(), environment.id) };
}

/** An environment's settings as a promotion target, with its allowed sources by key; not_found as above. */
export async function getEnvironmentSettings(actor: Actor, key: string) {
  const environment = await getVisibleEnvironment(actor, key);
  const [row] = await getDb()
    .select({
      directPromotionAllowed: environments.directPromotionAllowed,
      allowedSourceIds: environments.allowedSourceIds,
    })
    .from(environments)
    .where(eq(environments.id, environment.id));
  const all = await allEnvironments();
  return {
    ...environment,
    directPromotionAllowed: row!.directPromotionAllowed,
    allowedSources: row!.allowedSourceIds
      ? all
          .filter((candidate) => row!.allowedSourceIds!.includes(candidate.id))
          .map((candidate) => candidate.key)
      : null,
  };
}

export type EnvironmentSettings = Awaited<ReturnType<typeof getEnvironmentSettings>>;

/** Every installation with its environments in lifecycle order, for administration (organization admins). */
export async function listInstallations(actor: Actor) {
  await refuseUnlessOrgAdmin(actor, { action: 'admin.viewed', target: { type: 'page', id: 'environments' } });
  const [rows, counts] = await Promise.all([
    getDb().select().from(installations).orderBy(asc(installations.position)),
    getDb()
      .select({ environmentId: apis.environmentId, count: sql<number>`count(*)::int` })
      .from(apis)
      .groupBy(apis.environmentId),
  ]);
  const environmentsByInstallation = byInstallation(await allEnvironments());
  return rows.map((installation) => ({
    key: installation.key,
    name: installation.name,
    environments: (
      environmentsByInstallation.find((group) => group.installation.id === installation.id)?.environments ??
      []
    ).map((environment) => ({
      ...environment,
      apiCount: counts.find((row) => row.environmentId === environment.id)?.count ?? 0,
    })),
  }));
}

/**
 * What the environment policy page needs to edit it: the settings and policy in force, the other
 * environments (as allowed sources) and the groups (for approver rules). Null for someone who may
 * only read it.
 */
export async function getPolicyEditor(actor: Actor, key: string) {
  const settings = await getEnvironmentSettings(actor, key);
  if (!can(actor, 'ENVIRONMENT:UPDATE', { environmentId: settings.id })) return null;
  const [policy, others, groupRows] = await Promise.all([
    loadPolicy(getDb(), settings.id),
    allEnvironments(),
    getDb().select({ id: groups.id, name: groups.name }).from(groups).orderBy(asc(groups.name)),
  ]);
  return {
    settings,
    policy,
    canChangeKey: actor.isOrgAdmin,
    sources: others
      .filter((environment) => environment.id !== settings.id)
      .map((environment) => ({ key: environment.key, name: environment.name })),
    groups: groupRows,
  };
}

export type PolicyEditor = NonNullable<Awaited<ReturnType<typeof getPolicyEditor>>>;
