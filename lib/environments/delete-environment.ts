import 'server-only';

import { eq, sql } from 'drizzle-orm';

import { executeRows } from '@/db/execute-rows';

import { approvalPolicies, apis, environments, installations, promotions, roleBindings } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { runAudited } from '@/lib/audit/run-audited';
import type { Actor } from '@/lib/auth/actor';
import { refuseUnlessOrgAdmin } from '@/lib/auth/org-admin';
import { AppError, notFound } from '@/lib/errors';

/**
 * Deletes an environment nothing depends on. Organization admins only. Refused, with the reason, while
 * it holds APIs (archived ones too), has promotions in or out, or has a saved approval policy: policy
 * versions are the record of how it was governed, kept like the audit trail. Roles held there end,
 * and other environments stop naming it as an allowed source; the audit event lists both.
 */
export async function deleteEnvironment(actor: Actor, environmentKey: string) {
  await refuseUnlessOrgAdmin(actor, {
    action: 'environment.deleted',
    target: { type: 'environment', id: environmentKey },
  });
  return runAudited(actor, async (tx) => {
    const [environment] = await tx
      .select({
        id: environments.id,
        key: environments.key,
        name: environments.name,
        installation: installations.key,
      })
      .from(environments)
      .innerJoin(installations, eq(installations.id, environments.installationId))
      .where(eq(environments.key, environmentKey))
      .for('update', { of: environments });
    if (!environment) throw notFound('Environment');

    const [usage] = await executeRows<{ apis: number; promotions: number; policies: number }>(
      tx,
      sql`select
        (select count(*) from ${apis} where ${apis.environmentId} = ${environment.id})::int as apis,
        (select count(*) from ${promotions} where ${promotions.sourceEnvironmentId} = ${environment.id}
           or ${promotions.targetEnvironmentId} = ${environment.id})::int as promotions,
        (select count(*) from ${approvalPolicies} where ${approvalPolicies.environmentId} = ${environment.id})::int as policies`,
    );
    const reasons = [
      usage!.apis && `it holds ${usage!.apis} API${usage!.apis === 1 ? '' : 's'} (archived ones count)`,
      usage!.promotions &&
        `${usage!.promotions} promotion${usage!.promotions === 1 ? '' : 's'} went in or out of it`,
      usage!.policies && 'its approval policy was saved (policy versions are kept)',
    ].filter(Boolean);
    if (reasons.length) {
      throw new AppError('conflict', `${environment.name} cannot be deleted: ${reasons.join('; ')}.`);
    }

    const roles = await tx
      .delete(roleBindings)
      .where(eq(roleBindings.environmentId, environment.id))
      .returning({ userId: roleBindings.userId, role: roleBindings.role });
    const referencing = await tx
      .update(environments)
      .set({ allowedSourceIds: sql`array_remove(${environments.allowedSourceIds}, ${environment.id}::uuid)` })
      .where(sql`${environment.id}::uuid = any(${environments.allowedSourceIds})`)
      .returning({ key: environments.key });
    await tx.delete(environments).where(eq(environments.id, environment.id));
    await recordAudit(tx, actor, {
      action: 'environment.deleted',
      environmentIds: [environment.id],
      target: { type: 'environment', id: environment.id },
      changes: {
        before: {
          key: environment.key,
          name: environment.name,
          installation: environment.installation,
          roles,
          allowedSourceOf: referencing.map((row) => row.key),
        },
        after: null,
      },
    });
    return { key: environment.key };
  });
}
